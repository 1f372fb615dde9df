// Chat messages a lead sent to labeling, waiting for them to choose the project.
import type { Database, Db } from './database'

export interface CapturedMessage {
  text: string
  author: string
  link: string | null
  /** The question it answered, if known. */
  context: string | null
}

export class CapturedMessageRepository {
  constructor(private readonly database: Pick<Database, 'prisma' | 'db' | 'provider'>) {}

  private get prisma(): Db {
    return this.database.prisma
  }

  /** Keeps the message for its lead; returns the id the project buttons carry. */
  async keep(labelerId: number, message: CapturedMessage): Promise<number> {
    const row = await this.prisma.capturedMessage.create({ data: { labelerId, ...message } })
    return row.id
  }

  /**
   * Takes the message out for the lead who captured it, once: the first of two clicks gets it, the
   * second (and anyone else) gets null.
   */
  async claim(id: number, labelerId: number): Promise<CapturedMessage | null> {
    const row = await this.prisma.capturedMessage.findUnique({ where: { id } })
    if (!row || row.labelerId !== labelerId) return null
    const taken = await this.prisma.capturedMessage.deleteMany({ where: { id, labelerId } })
    return taken.count === 1 ? { text: row.text, author: row.author, link: row.link, context: row.context } : null
  }
}
