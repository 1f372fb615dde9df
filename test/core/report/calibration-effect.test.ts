// The calibration effect: of the fresh verdicts that started away from the settled answer, how
// many moved toward it — by equality for choices, by points for Likert.
import { describe, expect, it } from 'vitest'
import { calibrationEffectWords, measureCalibrationEffect } from '../../../src/core/report/calibration-effect'

describe('the calibration effect', () => {
  it('counts a pairwise voter who came round, one who kept their view, and one who moved away', () => {
    const effect = measureCalibrationEffect([
      {
        settled: { winner: 'b' },
        votes: [
          { verdict: 'b', original: 'a' }, // came round
          { verdict: 'a', original: 'a' }, // kept a different view
          { verdict: 'tie', original: 'b' }, // moved away
        ],
      },
    ])
    expect(effect).toEqual({ settledThreads: 1, freshVerdicts: 3, changedMind: 2, startedAway: 2, movedToward: 1, movedTowardRate: 0.5, movedAway: 1 })
    expect(calibrationEffectWords(effect)).toBe('1 of 2 fresh verdicts that started away from the settled answer moved toward it (50%); 2 of 3 changed their mind, 1 away from it')
  })

  it('measures Likert by points: 2 → 4 toward a settled 6 counts, 7 → 7 started a point away and stayed', () => {
    const effect = measureCalibrationEffect([{ settled: { rating: 6 }, votes: [{ verdict: '4', original: '2' }, { verdict: '7', original: '7' }, { verdict: '6', original: null }] }])
    expect(effect).toMatchObject({ freshVerdicts: 3, startedAway: 2, movedToward: 1, movedAway: 0, changedMind: 1 })
  })

  it('says so when nothing was voted on, and uses the best of a ranking', () => {
    expect(calibrationEffectWords(measureCalibrationEffect([]))).toBe('no blind votes on settled items yet')
    expect(measureCalibrationEffect([{ settled: { ranking: ['c', 'a', 'b'] }, votes: [{ verdict: 'c', original: 'a' }] }])).toMatchObject({ startedAway: 1, movedToward: 1, movedTowardRate: 1 })
  })
})
