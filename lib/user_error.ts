/**
 * An error whose message is written for the person who typed the command.
 *
 * Anything else thrown is a bug: it is logged, and the user gets a generic apology.
 */
export class UserError extends Error {
  override name = "UserError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The text to show a user for any error: a UserError's own words, otherwise an apology. */
export function userMessageOf(error: unknown): string {
  if (error instanceof UserError) return error.message;
  return "Something went wrong on my side; the error has been logged.";
}
