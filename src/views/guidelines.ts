// A project's guidelines as a labeler reads them privately: in a message when short, else as a
// Markdown file (a long handbook cut over several messages is hard to read and easy to lose).
import type { Card, Control } from './card'
import { segmentsOf } from './segments'

/** Guidelines up to this many characters are shown in a message; longer ones come as a file. */
export const GUIDE_INLINE_CHARS = 2_500

/** The button that opens a project's guidelines. */
export function guidelinesButton(projectId: number, label = 'Guidelines', style?: 'primary'): Control {
  return { type: 'button', action: { a: 'guide', p: projectId }, label, ...(style ? { style } : {}) }
}

/** What showing the guidelines sends: a card, or a file with a one-line comment. */
export function guidelinesView(projectName: string | null, guide: { text: string; own: boolean }): { card: Card } | { file: { name: string; content: string; comment: string } } {
  const whose = projectName ? (guide.own ? `the guidelines of ${projectName}` : `the team's labeling guide (${projectName} uses it)`) : "the team's labeling guide"
  const title = projectName ? `Guidelines · ${projectName}` : 'Labeling guide'
  if (guide.text.length <= GUIDE_INLINE_CHARS) {
    return { card: { summary: title, blocks: [{ type: 'header', text: title }, { type: 'section', segments: segmentsOf(guide.text) }, { type: 'note', text: 'Only you see this.' }] } }
  }
  const name = `${projectName ? `guidelines-${projectName}` : 'labeling-guide'}.md`
  return { file: { name, content: guide.text, comment: `Here are ${whose}, as a file: it is long. Re-reading them now and then keeps judgments consistent.` } }
}
