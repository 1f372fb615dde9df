// Chat messages a lead sent to labeling, waiting for them to choose the project.
import type { Database, Kdb } from './database'

export interface CapturedMessage {
  text: string
  author: string
  link: string | null
  /** The question it answered, if known. */
  context: string | null
}

export class CapturedMessageRepository {
  constructor(private readonly database: Pick<Database, 'db'>) {}

  private get db(): Kdb {
    return this.database.db
  }

  /** Keeps the message for its lead; returns the id the project buttons carry. */
  async keep(labelerId: number, message: CapturedMessage): Promise<number> {
    const { text, author, link, context } = message
    const row = await this.db
      .insertInto('CapturedMessage')
      .values({ labelerId, text, author, link, context, createdAt: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }

  /**
   * Takes the message out for the lead who captured it, once: the first of two clicks gets it, the
   * second (and anyone else) gets null.
   */
  async claim(id: number, labelerId: number): Promise<CapturedMessage | null> {
    const row = await this.db.selectFrom('CapturedMessage').select(['labelerId', 'text', 'author', 'link', 'context']).where('id', '=', id).executeTakeFirst()
    if (!row || row.labelerId !== labelerId) return null
    const taken = await this.db.deleteFrom('CapturedMessage').where('id', '=', id).where('labelerId', '=', labelerId).executeTakeFirst()
    return Number(taken.numDeletedRows) === 1 ? { text: row.text, author: row.author, link: row.link, context: row.context } : null
  }
}
