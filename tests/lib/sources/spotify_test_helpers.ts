import assert from "node:assert/strict";
import { UserError } from "../../../lib/user_error.ts";

/** `assert.match`, which the Node typings in this tree lack. */
export function assertMatch(text: string, pattern: RegExp): void {
  assert.ok(pattern.test(text), `${JSON.stringify(text)} does not match ${pattern}`);
}

/** Awaits a rejection that must be a UserError with this message. */
export async function rejectsWithUserError(
  promise: Promise<unknown>,
  message: string | RegExp,
): Promise<UserError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof UserError, `expected a UserError, got ${error}`);
    if (typeof message === "string") assert.equal(error.message, message);
    else assertMatch(error.message, message);
    return error;
  }
  assert.fail("expected a rejection");
}
