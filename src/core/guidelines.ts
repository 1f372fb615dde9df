// A project's labeling guidelines: its own Markdown (set with `arbiter project set P --guide
// FILE.md` or a lead's `guide P` upload), else the team's guide. Labelers open them from every
// task; drift pings and rubric refreshers point to them.
import { ArbiterError } from './errors'
import type { CoreContext } from './context'
import { DEFAULT_GUIDE } from './default-guide'
import { findProject } from './projects'
import type { ProjectDto } from '../store/project-repository'

/** Longest guidelines a project may set (a long handbook still fits; a stray binary does not). */
export const GUIDE_MAX_CHARS = 200_000

/** The guidelines labelers of this project read (null: no project, the team's guide). */
export function guidelinesOf(project: Pick<ProjectDto, 'guide'> | null): { text: string; own: boolean } {
  return project?.guide ? { text: project.guide, own: true } : { text: DEFAULT_GUIDE, own: false }
}

/** Checks guideline text; refuses empty, oversized or binary content with a clear reason. */
export function checkGuideText(text: string): string {
  const trimmed = text.replace(/^\uFEFF/, '').trim()
  if (trimmed === '') throw new ArbiterError('INVALID_INPUT', 'The guidelines file is empty.')
  if (trimmed.length > GUIDE_MAX_CHARS) throw new ArbiterError('INVALID_INPUT', `The guidelines are ${trimmed.length} characters long; at most ${GUIDE_MAX_CHARS} fit.`)
  if (trimmed.includes('\u0000')) throw new ArbiterError('INVALID_INPUT', 'That file is not text: upload the guidelines as a Markdown (.md) file.')
  return trimmed
}

/** Sets a project's own guidelines (null: back to the team's guide). */
export async function setGuidelines(ctx: CoreContext, options: { projectName: string; text: string | null }): Promise<ProjectDto> {
  const project = await findProject(ctx, options.projectName)
  return ctx.store.projects.update(project.id, { guide: options.text === null ? null : checkGuideText(options.text) })
}
