// Files in and out of Discord, within its limits: an attachment downloaded for an import, and an
// export squeezed under the upload ceiling.
import { gzipSync } from 'node:zlib'
import { ArbiterError } from '../../core/errors'
import type { Outcome } from '../../interactions/outcome'
import { DISCORD } from './discord-limits'

/** Downloads an uploaded file as bytes (the importer decodes them strictly, line by line). */
export type Download = (url: string) => Promise<Uint8Array>

// Discord's own upload ceiling for boosted guilds; anything larger is not a labeling batch.
const MAX_DOWNLOAD_BYTES = 500 * 1024 * 1024

export const fetchBytes: Download = async (url) => {
  const response = await fetch(url)
  if (!response.ok) throw new ArbiterError('FILE_UNAVAILABLE', `Downloading the attachment failed: HTTP ${response.status}`)
  const length = Number(response.headers.get('content-length') ?? '0')
  if (length > MAX_DOWNLOAD_BYTES) throw new ArbiterError('FILE_TOO_LARGE', 'The attachment is too large to import from Discord; use "arbiter import" on the server.')
  return new Uint8Array(await response.arrayBuffer())
}

// Room for the multipart envelope and the message itself.
const UPLOAD_BUDGET = DISCORD.uploadBytes - 64 * 1024

/**
 * Discord refuses uploads over 10 MiB. JSONL compresses several-fold, so a larger export goes
 * out gzip-compressed (pandas, datasets and `gunzip` read it as is); only one too large even
 * then is left to the command line.
 */
export function fitForUpload(outcome: Outcome): Outcome {
  const file = outcome.file
  if (!file || Buffer.byteLength(file.content) <= UPLOAD_BUDGET) return outcome
  const compressed = gzipSync(file.content, { level: 6 })
  if (compressed.length <= UPLOAD_BUDGET) {
    return { ...outcome, file: { name: `${file.name}.gz`, content: compressed, comment: `${file.comment} Compressed with gzip to fit Discord's upload limit.` } }
  }
  const mib = (bytes: number) => Math.round(bytes / 1024 / 1024)
  return { notice: `That export is ${mib(Buffer.byteLength(file.content))} MiB (${mib(compressed.length)} MiB compressed), more than Discord accepts as an upload. Run "arbiter export" on the server instead.` }
}
