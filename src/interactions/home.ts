// The home screen of a labeler (Slack's App Home tab): their day, their total and their
// agreement so far, with a Start button; leads also see the progress of up to five projects.
// Platform-neutral (an actor in, neutral cards out): the Slack adapter renders and publishes them.
import type { CoreContext } from '../core/context'
import { activeProjects } from '../core/projects'
import { labelerFor, type Actor } from './actor'
import { progressCard } from './lead'
import { labelerStats } from './stats'
import type { Card } from '../views/card'

/** How many projects a lead's home shows (each costs a progress query). */
const HOME_PROJECTS = 5

/** The cards of one person's home screen. */
export async function homeCards(ctx: CoreContext, actor: Actor): Promise<Card[]> {
  const labeler = await labelerFor(ctx, actor)
  const stats = await labelerStats(ctx, labeler.id)
  const agreement = stats.agreement ? `${Math.round((stats.agreement.agreed / stats.agreement.compared) * 100)}% of ${stats.agreement.compared} items` : 'not enough overlap yet'
  const cards: Card[] = [
    {
      summary: 'Arbiter',
      blocks: [
        { type: 'header', text: `Hello, ${labeler.displayName}` },
        {
          type: 'fields',
          fields: [
            { label: 'Done today', value: String(stats.today) },
            { label: 'Total', value: String(stats.judgments) },
            { label: 'Agreement so far', value: agreement },
          ],
        },
        { type: 'actions', controls: [{ type: 'button', action: { a: 'start' }, label: 'Start labeling', style: 'primary' }] },
        { type: 'note', text: 'Tasks arrive in the Messages tab. Type /label help for everything I can do.' },
      ],
    },
  ]
  if (labeler.role === 'lead' || labeler.role === 'admin') {
    const projects = (await activeProjects(ctx)).slice(0, HOME_PROJECTS)
    for (const project of projects) cards.push(await progressCard(ctx, project.name))
  }
  return cards
}
