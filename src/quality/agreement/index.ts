// The agreement statistics of the quality engine, all pure functions returning StatResult.
export * from './result'
export * from './reliability-data'
export * from './krippendorff-alpha'
export * from './fleiss-kappa'
export * from './cohen-kappa'
export * from './kendall-tau'
export * from './item-agreement'
