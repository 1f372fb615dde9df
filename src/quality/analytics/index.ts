// The labeler analytics of the quality engine: pure functions over QualityItem / QualityJudgment.
export { analyzeProject, type AnalyzeOptions, type FlagName, type LabelerReport, type ProjectAnalysis } from './analyze-project'
export { leaveOneOutAgreement, type AgreementCounts, type AgreementSummary, type LabelerAgreement, type LeaveOneOutOptions } from './leave-one-out'
export * from './biases'
export { itemConsensus, verdictConsensus, type ConsensusMethod, type ConsensusOptions, type ItemConsensus } from './consensus'
export { dawidSkene, type DawidSkeneLabeler, type DawidSkeneOptions, type DawidSkeneResult } from './dawid-skene'
export { projectDisputes, type Dispute, type DisputeList, type DisputeOptions, type DisputeReason } from './disputes'
export { type BiasShift, type DriftDisagreement, type DriftOptions, type DriftResult } from './drift'
export { DEFAULT_Q, TestFamily, type TestOutcome } from './fdr'
export {
  filterByDomain,
  fitBradleyTerry,
  modelLeaderboard,
  type Leaderboard,
  type LeaderboardOptions,
  type LeaderboardRow,
  type WinRateMatrix,
} from './leaderboard'
export { CHOICE_BOTH_BAD, CHOICE_NONE, CHOICE_TIE, VerdictColumnsBuilder, choiceCode, kindCode, type ConsensusItem, type VerdictColumns } from './verdict-columns'
export { DEFAULT_READING_CHARS_PER_SECOND, indexProject, type IndexOptions, type ProjectData } from './project-index'
export { BOTH_BAD, TIE } from '../types'
export * from './numeric-kit'
