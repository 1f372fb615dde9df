// Relabeling public data is an audit: after importing HH-RLHF pairs (whose original preference is
// kept hidden as a reference) and the team's judgments, `arbiter report` says how often the
// consensus and each labeler agree with that reference.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PROVIDERS } from '../../support/databases'
import { testCore, type TestCore } from '../../support/core'
import { createProject } from '../../../src/core/projects'
import { importItems } from '../../../src/core/import/import-items'
import { importJudgments } from '../../../src/core/import/import-judgments'
import { fromHhRlhfLine } from '../../../src/core/import/item-formats'
import { projectReport } from '../../../src/core/report/project-report'

function lines(...values: object[]): () => AsyncIterable<string> {
  return async function* () {
    for (const value of values) yield JSON.stringify(value)
  }
}

// Eight items: Dawid–Skene needs a few items per verdict before its labeler estimates mean anything.
const pairs = ['a joke', 'a recipe', 'a poem', 'a fact', 'a riddle', 'a story', 'a proverb', 'a tip'].map((topic) => ({
  chosen: `\n\nHuman: Tell me ${topic}.\n\nAssistant: Here is ${topic}.`,
  rejected: `\n\nHuman: Tell me ${topic}.\n\nAssistant: No.`,
}))

describe.each(PROVIDERS)('reference agreement in arbiter report on %s', (provider) => {
  let t: TestCore
  beforeEach(async () => {
    t = await testCore(provider)
    await createProject(t.ctx, { name: 'hh', settings: { taskTypes: ['pairwise'], redundancy: 3, goldRate: 0 } })
    await importItems(t.ctx, { projectName: 'hh', open: lines(...pairs), format: 'hh-rlhf', skipInvalid: false })
  })
  afterEach(async () => t.cleanup())

  it('reports the consensus and each labeler against the imported reference', async () => {
    const ids = pairs.map((p) => {
      const draft = fromHhRlhfLine(p)
      if (!draft.ok) throw new Error(draft.errors.join())
      return draft.draft.externalId!
    })
    // The reference is response a everywhere. In each group of four, all three prefer b on the
    // fourth item and cy also on the third.
    const judgments = ids.flatMap((item, i) => [
      { item, labeler: 'ana', type: 'pairwise', winner: i % 4 === 3 ? 'b' : 'a' },
      { item, labeler: 'bo', type: 'pairwise', winner: i % 4 === 3 ? 'b' : 'a' },
      { item, labeler: 'cy', type: 'pairwise', winner: i % 4 < 2 ? 'a' : 'b' },
    ])
    expect(await importJudgments(t.ctx, { projectName: 'hh', open: lines(...judgments), skipInvalid: false })).toMatchObject({ imported: 24, committed: true })
    const report = await projectReport(t.ctx, { projectName: 'hh', leaderboard: false })
    // Three items of four have a 3–0 or 2–1 majority for a; the fourth is b, 3–0.
    expect(report.agreement.reference).toEqual({ rate: 0.75, n: 8 })
    const byName = Object.fromEntries(report.labelers.map((l) => [l.labeler, l.referenceAgreement]))
    expect(byName).toEqual({ ana: 0.75, bo: 0.75, cy: 0.5 })
  })
})
