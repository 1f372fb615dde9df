// Gives a labeler their next task in a project.
//
// Rules: an item with fewer claims than its target (redundancy, raised by dynamic overlap),
// never one this labeler already saw; gold items mixed in at the project's gold rate and
// indistinguishable (same query, same card); items of skill-restricted domains only for labelers
// with that skill; SFT submissions never reviewed by their author. A labeler already holding a
// live assignment in the project gets it back (a session resumes after a restart or a lost DM).
//
// Routing: an item routed to named labelers or a group goes only to them, and work meant for a
// labeler comes first — items routed to them, then items of the domains they are skilled in —
// before the rest of the pool.
import { ArbiterError } from './errors'
import type { CoreContext } from './context'
import { shuffled } from './random'
import type { AssignmentDto } from '../store/assignment-repository'
import type { ItemDto } from '../store/item-repository'
import type { LabelerDto } from '../store/labeler-repository'
import type { ProjectDto } from '../store/project-repository'

/** A task to show: the assignment (with its display order) and its item. */
export interface Task {
  assignment: AssignmentDto
  item: ItemDto
  project: ProjectDto
  /** True when the labeler already held this assignment. */
  resumed: boolean
}

// How many candidates to fetch and pick from at random: concurrent labelers then rarely race
// for the same item, and a lost race just moves on to the next candidate.
const CANDIDATE_WINDOW = 16

// Returning expired tasks to the pool is a sweep over all assignments; once every few seconds
// per process is enough (the claim-reminders job sweeps every minute too), and it keeps the
// hot path of every "next task" click short.
const SWEEP_EVERY_MS = 5_000
const lastSweep = new WeakMap<object, number>()

async function sweepExpired(ctx: CoreContext, now: Date): Promise<void> {
  const last = lastSweep.get(ctx.store)
  if (last !== undefined && Math.abs(now.getTime() - last) < SWEEP_EVERY_MS) return
  lastSweep.set(ctx.store, now.getTime())
  await ctx.store.assignments.expireOverdue(now)
}

/**
 * `labeler` is the labeler's row when the caller holds it already (an interaction resolved its
 * actor a moment ago): it saves a read on every "Next task".
 */
export async function nextTask(ctx: CoreContext, options: { projectId: number; labelerId: number; labeler?: LabelerDto }): Promise<Task> {
  const { store } = ctx
  const now = ctx.now()
  const project = await store.projects.findById(options.projectId)
  if (!project) throw new ArbiterError('PROJECT_NOT_FOUND')
  if (!project.active) throw new ArbiterError('PROJECT_INACTIVE')
  const labeler = options.labeler?.id === options.labelerId ? options.labeler : await store.labelers.findById(options.labelerId)
  if (!labeler) throw new ArbiterError('LABELER_NOT_FOUND')

  await sweepExpired(ctx, now)
  const held = await store.assignments.activeFor(labeler.id, project.id, now)
  if (held) return { assignment: held, item: (await store.items.findById(held.itemId))!, project, resumed: true }

  const excludedDomains = project.skillDomains.filter((domain) => !labeler.skills.includes(domain))
  const goldFirst = project.goldRate > 0 && ctx.random() < project.goldRate
  const ttlMinutes = project.assignmentTtlMinutes ?? ctx.settings.assignmentTtlMinutes
  const expiresAt = new Date(now.getTime() + ttlMinutes * 60_000)
  // Responses are shown in an order drawn per assignment (position bias is measured against it).
  const displayOrderOf = (item: ItemDto) => shuffled(item.responses.map((response) => response.id), ctx.random)

  // A gold draw falls back to regular work when the labeler has seen every gold item; regular
  // work never falls back to gold, so gold stays near the project's rate and never becomes
  // "what is left" (which would make it recognisable).
  // Each draw looks first at what is meant for this labeler, then at the unrouted pool.
  const passes: { gold: boolean; preferred?: { domains: string[] } }[] = (goldFirst ? [true, false] : [false]).flatMap((gold) => [{ gold, preferred: { domains: labeler.skills } }, { gold }])
  for (const { gold, preferred } of passes) {
    for (let attempt = 0; attempt < 4; attempt++) {
      const candidates = await store.assignments.candidates({ projectId: project.id, labelerId: labeler.id, gold, excludedDomains, groups: labeler.groups, ...(preferred ? { preferred } : {}), limit: CANDIDATE_WINDOW })
      if (candidates.length === 0) break
      for (const itemId of shuffled(candidates, ctx.random)) {
        const claimed = await store.assignments.claim({ projectId: project.id, itemId, labelerId: labeler.id, displayOrderOf, gold, now, expiresAt })
        if (claimed) return { ...claimed, project, resumed: false }
      }
    }
  }
  throw new ArbiterError('NO_TASK_AVAILABLE')
}
