// The guide's labeling biases, one test each per labeler, against a baseline that excludes the
// labeler (a biased labeler must not move the bar they are measured against). Tests only run above
// a minimum sample; p-values are one-sided; flags are decided later by the report's FDR family.
import type { TestFamily, TestOutcome } from './fdr'
import { countLabelerJudgments, ownDurations, sortedMedian, type LabelerCounts } from './labeler-counts'
import type { LeaveOneOut } from './leave-one-out'
import { binomialLower, binomialUpper, medianExcluding, normalCdf } from './numeric-kit'
import type { ProjectIndex } from './project-index'

/** Whether a test ran. */
export type TestStatus = 'tested' | 'not_enough_data'

/** One test of one labeler with the numbers a lead needs to believe it. */
export interface TestResult<E> extends TestOutcome {
  status: TestStatus
  /** Headline figure: a share, a rate or a ratio (see the evidence). */
  value: number | null
  /** Sample the test used, and the minimum before it runs. */
  n: number
  minSample: number
  evidence: E
}

/** Position bias: decisive wins given to the response displayed first, against 50%. */
export interface PositionEvidence {
  firstChosen: number
  decisive: number
  firstShare: number | null
  expectedShare: number
  test: string
}

/** A count out of a total. */
export interface Share {
  k: number
  n: number
  rate: number | null
}

/** Length bias: preference for the longer response, against the others' consensus on the same items. */
export interface LengthEvidence {
  /** Decisive pairwise judgments on items with responses of different length. */
  longerChosen: number
  decisive: number
  longerShare: number | null
  /** On the items where the others had a decisive consensus: how often that consensus was the longer one. */
  othersLongerShare: number | null
  compared: number
  /** Switches to the longer response when the others chose the shorter one ... */
  choseLongerWhenOthersChoseShorter: Share
  /** ... against switches to the shorter one when the others chose the longer one. */
  choseShorterWhenOthersChoseLonger: Share
  /** The same two switch rates for the rest of the team, each judgment against its own others. */
  team: { choseLongerWhenOthersChoseShorter: Share; choseShorterWhenOthersChoseLonger: Share }
  /** (labeler's switch asymmetry) − (team's): the figure tested. */
  excessAsymmetry: number | null
  test: string
}

/** Tie overuse: tie rate against the rest of the team. */
export interface TieEvidence {
  ties: number
  pairwise: number
  tieRate: number | null
  teamTieRate: number | null
  test: string
}

/** Scale compression: share of Likert ratings in 4–6, and the range used. */
export interface ScaleEvidence {
  middle: number
  ratings: number
  middleShare: number | null
  teamMiddleShare: number | null
  range: [number, number] | null
  teamRange: [number, number] | null
  distinctRatings: number
  test: string
}

/** Speed: time on task, and judgments faster than the reading floor. */
export interface SpeedEvidence {
  timed: number
  medianMs: number | null
  teamMedianMs: number | null
  /** Labeler's median over the team's. */
  medianRatio: number | null
  tooFast: number
  tooFastShare: number | null
  teamTooFastShare: number | null
  readingCharsPerSecond: number
  test: string
}

/** Leave-one-out agreement against the rest of the team. */
export interface AgreementEvidence {
  agreed: number
  compared: number
  rate: number | null
  teamRate: number | null
  goldCorrect: number
  goldItems: number
  goldAccuracy: number | null
  test: string
}

/** Flags raised against the rest of the team. */
export interface FlagEvidence {
  flagsRaised: number
  judgments: number
  flagRate: number | null
  teamFlagRate: number | null
  test: string
}

/** Safety floor: near misses (a breach of the guide's rule, counted, not tested) and flag overuse. */
export interface SafetyResult {
  flagged: boolean
  /** Judgments where a response the labeler marked with a critical flaw won, tied, or ranked above an unmarked one. */
  nearMisses: number
  nearMissJudgmentIds: number[]
  flagsRaised: number
  flagOveruse: TestResult<FlagEvidence>
}

/** The five bias tests of one labeler. */
export interface LabelerBiases {
  position: TestResult<PositionEvidence>
  length: TestResult<LengthEvidence>
  tie: TestResult<TieEvidence>
  scale: TestResult<ScaleEvidence>
  speed: TestResult<SpeedEvidence>
}

/** Minimum samples before a test runs (decisive judgments, compared judgments, ratings, timed judgments). */
export interface MinSamples {
  position: number
  length: number
  tie: number
  scale: number
  speed: number
  agreement: number
  flags: number
}

/** Defaults chosen so that a labeler with a few dozen judgments is tested and five never are. */
export const DEFAULT_MIN_SAMPLES: MinSamples = { position: 30, length: 30, tie: 30, scale: 20, speed: 20, agreement: 20, flags: 30 }

/** Options of the bias tests. */
export interface BiasOptions {
  minSamples?: Partial<MinSamples>
  /** Agreement flags only when the labeler's rate is at least this far below the team's (default 0.1). */
  agreementMinDrop?: number
  /** Speed flags only when at least this share of timed judgments beat the reading floor (default 0.1). */
  speedMinTooFastShare?: number
  /** Flag overuse needs a rate at least this far above the team's (default 0.05). */
  flagMinExcess?: number
  /** Near misses at which safety is flagged (default 1: the guide makes the floor non-negotiable). */
  nearMissLimit?: number
}

/** Everything the bias pass produces for one labeler. */
export interface LabelerTests {
  agreement: TestResult<AgreementEvidence>
  biases: LabelerBiases
  safety: SafetyResult
}

const rate = (k: number, n: number): number | null => (n > 0 ? k / n : null)

// Team baselines are smoothed by half a count on each side so that a team that never ties (or is
// never too fast) does not make a single tie an impossible event with p = 0.
const baseline = (k: number, n: number): number => (k + 0.5) / (n + 1)

const smoothedVariance = (k: number, n: number): number => {
  const p = baseline(k, n)
  return (p * (1 - p)) / Math.max(n, 1)
}

function result<E>(n: number, minSample: number, value: number | null, evidence: E, p: () => number): TestResult<E> {
  const tested = n >= minSample
  return { status: tested ? 'tested' : 'not_enough_data', flagged: false, value, p: tested ? p() : null, pAdjusted: null, n, minSample, evidence }
}

/** BiasOptions with every default filled in. */
interface BiasSettings {
  min: MinSamples
  agreementMinDrop: number
  speedMinShare: number
  flagMinExcess: number
  nearMissLimit: number
}

/**
 * One labeler's place in the shared counts: `l`, and `others(key, own)`, the rest of the team's
 * total of a counter (the team's sum less the labeler's own).
 */
interface Subject {
  counts: LabelerCounts
  l: number
  others: (key: keyof LabelerCounts['team'], own: Float64Array) => number
}

/**
 * Runs every labeler's agreement, bias, flag and safety tests and adds them to `family`; flags are
 * set when the family is adjusted. One pass over the judgments counts what every test needs
 * (labeler-counts.ts); each test is then a function of those counts.
 */
export function computeLabelerTests(index: ProjectIndex, loo: LeaveOneOut, family: TestFamily, options: BiasOptions = {}): LabelerTests[] {
  const settings: BiasSettings = {
    min: { ...DEFAULT_MIN_SAMPLES, ...options.minSamples },
    agreementMinDrop: options.agreementMinDrop ?? 0.1,
    speedMinShare: options.speedMinTooFastShare ?? 0.1,
    flagMinExcess: options.flagMinExcess ?? 0.05,
    nearMissLimit: options.nearMissLimit ?? 1,
  }
  const counts = countLabelerJudgments(index, loo)
  const nearMissIds = collectNearMissIds(index)
  const reports: LabelerTests[] = []
  for (let l = 0; l < index.labelers.length; l++) {
    const subject: Subject = { counts, l, others: (key, own) => counts.team[key] - own[l]! }
    // Tests join the family in this order (agreement, the five biases, flag overuse), labeler by labeler.
    const agreement = agreementTest(subject, settings, family)
    const position = positionTest(subject, settings, family)
    const length = lengthTest(subject, settings, family)
    const tie = tieTest(subject, settings, family)
    const scale = scaleTest(subject, settings, family)
    const speed = speedTest(index, subject, settings, family)
    const flagOveruse = flagOveruseTest(subject, settings, family)
    reports.push({
      agreement,
      biases: { position, length, tie, scale, speed },
      safety: {
        flagged: counts.nearMisses[l]! >= settings.nearMissLimit,
        nearMisses: counts.nearMisses[l]!,
        nearMissJudgmentIds: nearMissIds[l] ?? [],
        flagsRaised: counts.flags[l]!,
        flagOveruse,
      },
    })
  }
  return reports
}

/** Leave-one-out agreement against the rest of the team's; flags only a drop of at least agreementMinDrop. */
function agreementTest({ counts, l, others }: Subject, settings: BiasSettings, family: TestFamily): TestResult<AgreementEvidence> {
  const { agreed, compared, goldCorrect, goldItems } = counts
  const teamAgreement = rate(others('agreed', agreed), others('compared', compared))
  const agreementRate = rate(agreed[l]!, compared[l]!)
  const agreement = result<AgreementEvidence>(
    compared[l]!,
    settings.min.agreement,
    agreementRate,
    {
      agreed: agreed[l]!,
      compared: compared[l]!,
      rate: agreementRate,
      teamRate: teamAgreement,
      goldCorrect: goldCorrect[l]!,
      goldItems: goldItems[l]!,
      goldAccuracy: rate(goldCorrect[l]!, goldItems[l]!),
      test: 'one-sided exact binomial: agreements with the others’ consensus, against the rest of the team’s agreement rate',
    },
    // Ranking scores are fractions of concordant pairs; the exact test counts them rounded to whole agreements.
    () => binomialLower(Math.round(agreed[l]!), compared[l]!, baseline(others('agreed', agreed), others('compared', compared))),
  )
  family.add(agreement, agreementRate !== null && teamAgreement !== null && agreementRate <= teamAgreement - settings.agreementMinDrop)
  return agreement
}

/** Position bias: decisive wins given to the response displayed first, against 50%. */
function positionTest({ counts, l }: Subject, settings: BiasSettings, family: TestFamily): TestResult<PositionEvidence> {
  const { firstChosen, decisive } = counts
  const position = result<PositionEvidence>(
    decisive[l]!,
    settings.min.position,
    rate(firstChosen[l]!, decisive[l]!),
    {
      firstChosen: firstChosen[l]!,
      decisive: decisive[l]!,
      firstShare: rate(firstChosen[l]!, decisive[l]!),
      expectedShare: 0.5,
      test: 'one-sided exact binomial against 0.5',
    },
    () => binomialUpper(firstChosen[l]!, decisive[l]!, 0.5),
  )
  family.add(position)
  return position
}

/** Length bias: switches to the longer response against the others' consensus, beyond the team's own asymmetry. */
function lengthTest({ counts, l, others }: Subject, settings: BiasSettings, family: TestFamily): TestResult<LengthEvidence> {
  const { longerChosen, lengthDecisive, othersShorterN, othersShorterSwitch, othersLongerN, othersLongerSwitch } = counts
  // Comparing raw "longer" rates would flag every noisy honest labeler whenever the true winners
  // lean short: noise pulls any rate towards 50%. Conditioning on the others' verdict removes
  // that: an unbiased labeler departs from the others about as often whichever response they
  // chose. "About": when the better response is usually the longer one, a consensus for the
  // shorter is wrong more often, and honest labelers then switch to the longer more often too.
  // So the asymmetry is tested against the rest of the team's asymmetry, which carries the same
  // effect (a length-biased teammate only raises that bar, never lowers it).
  const sn = othersShorterN[l]!
  const ln = othersLongerN[l]!
  const teamSn = others('othersShorterN', othersShorterN)
  const teamSk = others('othersShorterSwitch', othersShorterSwitch)
  const teamLn = others('othersLongerN', othersLongerN)
  const teamLk = others('othersLongerSwitch', othersLongerSwitch)
  const asymmetry = sn > 0 && ln > 0 ? othersShorterSwitch[l]! / sn - othersLongerSwitch[l]! / ln : null
  const teamAsymmetry = teamSn > 0 && teamLn > 0 ? teamSk / teamSn - teamLk / teamLn : 0
  const excessAsymmetry = asymmetry === null ? null : asymmetry - teamAsymmetry
  const length = result<LengthEvidence>(
    sn + ln,
    settings.min.length,
    rate(longerChosen[l]!, lengthDecisive[l]!),
    {
      longerChosen: longerChosen[l]!,
      decisive: lengthDecisive[l]!,
      longerShare: rate(longerChosen[l]!, lengthDecisive[l]!),
      othersLongerShare: rate(ln, sn + ln),
      compared: sn + ln,
      choseLongerWhenOthersChoseShorter: { k: othersShorterSwitch[l]!, n: sn, rate: rate(othersShorterSwitch[l]!, sn) },
      choseShorterWhenOthersChoseLonger: { k: othersLongerSwitch[l]!, n: ln, rate: rate(othersLongerSwitch[l]!, ln) },
      team: {
        choseLongerWhenOthersChoseShorter: { k: teamSk, n: teamSn, rate: rate(teamSk, teamSn) },
        choseShorterWhenOthersChoseLonger: { k: teamLk, n: teamLn, rate: rate(teamLk, teamLn) },
      },
      excessAsymmetry,
      test: 'one-sided z-test: (switches to the longer − switches to the shorter, against the others’ consensus on the same items) above the rest of the team’s',
    },
    () => {
      if (sn < 5 || ln < 5 || excessAsymmetry === null) return 1
      const variance =
        smoothedVariance(othersShorterSwitch[l]!, sn) + smoothedVariance(othersLongerSwitch[l]!, ln) + smoothedVariance(teamSk, teamSn) + smoothedVariance(teamLk, teamLn)
      return 1 - normalCdf(excessAsymmetry / Math.sqrt(variance))
    },
  )
  family.add(length)
  return length
}

/** Tie overuse: tie rate against the rest of the team's. */
function tieTest({ counts, l, others }: Subject, settings: BiasSettings, family: TestFamily): TestResult<TieEvidence> {
  const { ties, pairwise } = counts
  const teamTieRate = rate(others('ties', ties), others('pairwise', pairwise))
  const tie = result<TieEvidence>(
    pairwise[l]!,
    settings.min.tie,
    rate(ties[l]!, pairwise[l]!),
    {
      ties: ties[l]!,
      pairwise: pairwise[l]!,
      tieRate: rate(ties[l]!, pairwise[l]!),
      teamTieRate,
      test: 'one-sided exact binomial against the rest of the team’s tie rate',
    },
    () => binomialUpper(ties[l]!, pairwise[l]!, baseline(others('ties', ties), others('pairwise', pairwise))),
  )
  family.add(tie)
  return tie
}

/** Scale compression: Likert ratings in 4–6 against the rest of the team's share, with the ranges used. */
function scaleTest({ counts, l, others }: Subject, settings: BiasSettings, family: TestFamily): TestResult<ScaleEvidence> {
  const { ratings, middle, ratingMin, ratingMax, ratingSeen } = counts
  const ratingRange = (min: number, max: number): [number, number] | null => (Number.isFinite(min) ? [min, max] : null)
  let teamMin = Infinity
  let teamMax = -Infinity
  let distinct = 0
  for (let r = 1; r <= 7; r++) if (ratingSeen[l * 8 + r]) distinct++
  for (let m = 0; m < ratings.length; m++) {
    if (m === l || ratings[m] === 0) continue
    if (ratingMin[m]! < teamMin) teamMin = ratingMin[m]!
    if (ratingMax[m]! > teamMax) teamMax = ratingMax[m]!
  }
  const scale = result<ScaleEvidence>(
    ratings[l]!,
    settings.min.scale,
    rate(middle[l]!, ratings[l]!),
    {
      middle: middle[l]!,
      ratings: ratings[l]!,
      middleShare: rate(middle[l]!, ratings[l]!),
      teamMiddleShare: rate(others('middle', middle), others('ratings', ratings)),
      range: ratingRange(ratingMin[l]!, ratingMax[l]!),
      teamRange: ratingRange(teamMin, teamMax),
      distinctRatings: distinct,
      test: 'one-sided exact binomial: ratings in 4–6 against the rest of the team’s share',
    },
    () => binomialUpper(middle[l]!, ratings[l]!, baseline(others('middle', middle), others('ratings', ratings))),
  )
  family.add(scale)
  return scale
}

/** Speed: judgments faster than the reading floor against the rest of the team's share; median times for the lead. */
function speedTest(index: ProjectIndex, { counts, l, others }: Subject, settings: BiasSettings, family: TestFamily): TestResult<SpeedEvidence> {
  const { timed, tooFast, allDurations } = counts
  const own = ownDurations(index, l)
  const medianMs = own.length > 0 ? sortedMedian(own) : null
  const teamMedianMs = allDurations.length > own.length ? medianExcluding(allDurations, own) : null
  const tooFastShare = rate(tooFast[l]!, timed[l]!)
  const teamTooFastShare = rate(others('tooFast', tooFast), others('timed', timed))
  const speed = result<SpeedEvidence>(
    timed[l]!,
    settings.min.speed,
    tooFastShare,
    {
      timed: timed[l]!,
      medianMs,
      teamMedianMs,
      medianRatio: medianMs !== null && teamMedianMs !== null && teamMedianMs > 0 ? medianMs / teamMedianMs : null,
      tooFast: tooFast[l]!,
      tooFastShare,
      teamTooFastShare,
      readingCharsPerSecond: index.readingCharsPerSecond,
      test: `one-sided exact binomial: judgments faster than ${index.readingCharsPerSecond} characters a second of text shown, against the rest of the team’s share`,
    },
    () => binomialUpper(tooFast[l]!, timed[l]!, baseline(others('tooFast', tooFast), others('timed', timed))),
  )
  family.add(speed, tooFastShare !== null && tooFastShare >= settings.speedMinShare && tooFastShare > (teamTooFastShare ?? 0))
  return speed
}

/** Flag overuse: flags raised per judgment against the rest of the team's rate, by at least flagMinExcess. */
function flagOveruseTest({ counts, l, others }: Subject, settings: BiasSettings, family: TestFamily): TestResult<FlagEvidence> {
  const { flags, judgments } = counts
  const flagRate = rate(flags[l]!, judgments[l]!)
  const teamFlagRate = rate(others('flags', flags), others('judgments', judgments))
  const flagOveruse = result<FlagEvidence>(
    judgments[l]!,
    settings.min.flags,
    flagRate,
    {
      flagsRaised: flags[l]!,
      judgments: judgments[l]!,
      flagRate,
      teamFlagRate,
      test: 'one-sided exact binomial against the rest of the team’s flag rate',
    },
    () => binomialUpper(flags[l]!, judgments[l]!, baseline(others('flags', flags), others('judgments', judgments))),
  )
  family.add(flagOveruse, flagRate !== null && flagRate >= (teamFlagRate ?? 0) + settings.flagMinExcess)
  return flagOveruse
}

// At most 20 ids per labeler: enough to open the judgments, small enough for a report.
function collectNearMissIds(index: ProjectIndex): number[][] {
  const ids: number[][] = []
  for (let j = 0; j < index.jNearMiss.length; j++) {
    if (!index.jNearMiss[j]) continue
    const l = index.jLabeler[j]!
    const list = (ids[l] ??= [])
    if (list.length < 20) list.push(index.jId[j]!)
  }
  return ids
}
