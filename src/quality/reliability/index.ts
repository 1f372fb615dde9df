// The reliability coefficients of the quality engine (Krippendorff's alpha, Fleiss' and Cohen's kappa,
// Kendall's tau, per-item agreement), all pure functions returning StatResult.
export * from './result'
export * from './reliability-data'
export * from './krippendorff-alpha'
export * from './fleiss-kappa'
export * from './cohen-kappa'
export * from './kendall-tau'
export * from './item-agreement'
