/**
 * The bot's data and cache folders must exist and take new files. The bot prepares them this way at
 * start-up, and `deno task doctor` checks them with the same function.
 */
import { join } from "node:path";
import { type CheckResult, ok, problem } from "./check_result.ts";

/** A folder the bot cannot use: what is wrong, and what the operator can do. */
export class FolderError extends Error {
  override name = "FolderError";

  constructor(readonly detail: string, readonly fix: string, options?: { cause?: unknown }) {
    super(`${detail} ${fix}`, options);
  }
}

/** Creates `path` if needed and proves a file can be written there; throws a FolderError if not. */
export async function ensureWritableFolder(path: string, variable: string): Promise<void> {
  const probe = join(path, `.write-test-${crypto.randomUUID()}`);
  try {
    await Deno.mkdir(path, { recursive: true });
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new FolderError(
      `The folder "${path}" cannot be written to (${reason}).`,
      `Make it writable for the user the bot runs as, or set ${variable} to another folder.`,
      { cause: error },
    );
  }
}

/** The doctor's check of one folder. */
export async function checkFolder(label: string, path: string, variable: string): Promise<CheckResult> {
  try {
    await ensureWritableFolder(path, variable);
    return ok(label, `"${path}" is writable`);
  } catch (error) {
    if (!(error instanceof FolderError)) throw error;
    return problem(label, "fail", error.detail, error.fix);
  }
}
