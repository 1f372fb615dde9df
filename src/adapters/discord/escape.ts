// Untrusted text (prompts, model answers, labelers' notes, project names) goes into Discord
// messages as plain text: markdown is escaped so it cannot reshape the card, mentions are broken
// with a zero-width space so they cannot ping even if allowed_mentions were ever forgotten, and
// code keeps its code block with any ``` inside neutralized so it cannot close the block early.
import { escapeMarkdown } from 'discord.js'

const ZWSP = '\u200b'

/** Plain text, safe for a description, field value or message content. */
export function escapeText(text: string): string {
  const escaped = escapeMarkdown(text, { heading: true, bulletedList: true, numberedList: true, maskedLink: true })
    // Block quotes and subtext are not covered by escapeMarkdown.
    .replace(/^(\s*)(>|-#)/gm, '$1\\$2')
  return neutralizeMentions(escaped)
}

/** Breaks @everyone / @here and <@id>, <@&id>, <#id>, </cmd:id> so they never resolve. */
export function neutralizeMentions(text: string): string {
  return text.replace(/@(everyone|here)/g, `@${ZWSP}$1`).replace(/<(@|#|\/)/g, `<${ZWSP}$1`)
}

/** A fenced code block whose content cannot end the fence. */
export function codeBlock(code: string, language: string | null): string {
  const lang = (language ?? '').replace(/[^\w+#.-]/g, '').slice(0, 20)
  const body = code.replace(/`{3,}/g, (fence) => fence.split('').join(ZWSP))
  return '```' + lang + '\n' + (body === '' ? ' ' : body) + '\n```'
}

/** Overhead of a code block around `code` (fences and language). */
export function codeBlockOverhead(language: string | null): number {
  return codeBlock('', language).length
}
