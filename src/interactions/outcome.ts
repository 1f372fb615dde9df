// What handling one interaction asks the adapter to do. Adapters apply it in their own terms
// (Slack: chat.update, chat.postMessage, views.open, an ephemeral note; Discord: interaction
// update, follow-up, showModal, an ephemeral reply).
import type { Card, Modal } from '../views/card'

/** A post in a channel of the same platform (a flag in the project's lead channel). */
export interface ChannelPost {
  channelId: string
  card: Card
  /** The outbox row it delivers: marked delivered once posted. */
  notificationId?: number
}

/** The neutral result of an interaction. */
export interface Outcome {
  /** Replace the message the interaction came from (the task message). */
  update?: Card
  /** Send these to the user privately (DM), in order. */
  post?: { card: Card; notificationId?: number }[]
  /** Open this modal (needs the platform's trigger from the same interaction). */
  modal?: Modal
  /** A short private note. */
  notice?: string
  /** A private card shown where the user is (Slack: an ephemeral message; Discord: an ephemeral reply). */
  ephemeral?: Card
  /** Keep the submitted modal open and show these errors by field id. */
  fieldErrors?: Record<string, string>
  /** Private messages to other people on the same platform, by platform user id (e.g. a lead's verdict to dissenters). */
  direct?: { userId: string; card: Card }[]
  /** Posts in channels of this platform, e.g. a flag in the project's lead channel. */
  channelPosts?: ChannelPost[]
  /** A reply in the thread under the message the interaction came from (calibration discussions). */
  threadReply?: Card
  /** A file to send privately (exports, "read in full"). */
  /** Text, or bytes (e.g. an export compressed to fit a platform's upload limit). */
  file?: { name: string; content: string | Buffer; comment: string }
}
