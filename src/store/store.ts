// The store: every repository over one open database. The only code that imports Prisma.
import type { Database } from './database'
import { AssignmentRepository } from './assignment-repository'
import { ItemRepository } from './item-repository'
import { JudgmentRepository } from './judgment-repository'
import { LabelerRepository } from './labeler-repository'
import { NotificationRepository } from './notification-repository'
import { ProjectRepository } from './project-repository'
import { InboundEventRepository } from './inbound-event-repository'
import { CalibrationRepository } from './calibration-repository'
import { JobRepository } from './job-repository'
import { PendingImportRepository } from './pending-import-repository'
import { CapturedMessageRepository } from './captured-message-repository'
import { BulkReader } from './bulk-reader'
import { QualityReader } from './quality-reader'
import { LabelReader } from './label-reader'

/** All repositories, built once by the composition root. */
export interface Store {
  database: Database
  projects: ProjectRepository
  items: ItemRepository
  labelers: LabelerRepository
  assignments: AssignmentRepository
  judgments: JudgmentRepository
  notifications: NotificationRepository
  inbox: InboundEventRepository
  calibration: CalibrationRepository
  jobs: JobRepository
  pendingImports: PendingImportRepository
  capturedMessages: CapturedMessageRepository
  /** Fast streaming reads for export. */
  bulk: BulkReader
  /** A project's items and judgments as the quality engine's input (reports, digest). */
  quality: QualityReader
  /** Settled-answer inputs and reference labels, without texts (export, reference audit). */
  labels: LabelReader
}

export function createStore(database: Database): Store {
  return {
    database,
    projects: new ProjectRepository(database),
    items: new ItemRepository(database),
    labelers: new LabelerRepository(database),
    assignments: new AssignmentRepository(database),
    judgments: new JudgmentRepository(database),
    notifications: new NotificationRepository(database),
    inbox: new InboundEventRepository(database),
    calibration: new CalibrationRepository(database),
    jobs: new JobRepository(database),
    pendingImports: new PendingImportRepository(database),
    capturedMessages: new CapturedMessageRepository(database),
    bulk: new BulkReader(database),
    quality: new QualityReader(database),
    labels: new LabelReader(database),
  }
}
