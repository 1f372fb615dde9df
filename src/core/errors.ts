// One error type for everything the core refuses on purpose. Adapters show `message` to the user
// as a short private reply; anything that is not an ArbiterError is a bug and goes to the one
// unexpected-error handler, which logs it and replies generically.

/** Documented refusal codes (README: "Error codes"). */
export const ERROR_CODES = {
  PROJECT_NOT_FOUND: 'No project has that name.',
  PROJECT_EXISTS: 'A project with that name already exists.',
  PROJECT_INACTIVE: 'That project is paused.',
  NO_ACTIVE_PROJECT: 'There is no active project to label.',
  AMBIGUOUS_PROJECT: 'Several projects are active: say which one.',
  ITEM_NOT_FOUND: 'That item does not exist.',
  NO_TASK_AVAILABLE: 'There is nothing left for you to label in this project right now.',
  ASSIGNMENT_NOT_FOUND: 'That task does not exist.',
  FOREIGN_ASSIGNMENT: 'That task was given to someone else.',
  ASSIGNMENT_EXPIRED: 'That task expired and went back to the pool.',
  ASSIGNMENT_CLOSED: 'That task is already closed.',
  ITEM_WITHDRAWN: 'A lead withdrew this item from the project, so it needs no answer.',
  INVALID_JUDGMENT: 'That answer does not fit the task.',
  RATIONALE_REQUIRED: 'This project asks for a short rationale with this verdict.',
  SAFETY_FLOOR: 'A response you marked with a critical flaw cannot rank above one you did not.',
  NOT_ALLOWED: 'Only leads and admins can do that.',
  LABELER_NOT_FOUND: 'No labeler matches that.',
  INVALID_INPUT: 'The input is not valid.',
  // Failures the chat platforms report to the user (both adapters, through the inbox pipeline).
  INTERNAL_ERROR: 'Something went wrong on our side. What you did is saved and will be retried; if nothing happens, try again in a minute.',
  DELIVERY_FAILED: 'Something went wrong on our side and your request could not be completed. Please try again; if it keeps failing, tell a lead.',
  FORM_EXPIRED: 'That form could not open in time. Please click the button again.',
  UNKNOWN_CONTROL: 'That control belongs to an older message that Arbiter no longer understands. Type /label start to continue.',
  WRONG_PLACE: 'Type this in the channel itself (the calibration or lead channel), not in a direct message or a thread.',
  FILE_UNAVAILABLE: 'I could not download that file. Check that the app may read files, and upload it again.',
  FILE_TOO_LARGE: 'That file is too large to import from chat; import it with the command line instead (arbiter import).',
  AMEND_CLOSED: 'That answer can no longer be changed.',
} as const

export type ErrorCode = keyof typeof ERROR_CODES

/** A refusal the user should see, with a stable code. */
export class ArbiterError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code],
    readonly details?: unknown,
  ) {
    super(message)
    this.name = 'ArbiterError'
  }
}

/** True for refusals the core made on purpose. */
export function isArbiterError(error: unknown, code?: ErrorCode): error is ArbiterError {
  return error instanceof ArbiterError && (code === undefined || error.code === code)
}
