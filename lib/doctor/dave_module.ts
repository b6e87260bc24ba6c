/**
 * DAVE, Discord's end-to-end voice encryption, comes as a native module (@snazzah/davey). Without it every
 * voice connection is closed by Discord (code 4017), so the bot says so at start-up, and the doctor too.
 */
import { type CheckResult, ok, problem } from "./check_result.ts";

/** What loading the module gave: its version and protocol, or why it failed. */
export type DaveStatus =
  | { readonly loaded: true; readonly version: string; readonly protocol: number }
  | { readonly loaded: false; readonly reason: string };

/** Loads @snazzah/davey as @discordjs/voice will. */
export async function loadDave(): Promise<DaveStatus> {
  try {
    const davey = await import("@snazzah/davey");
    const module = (davey.default ?? davey) as { VERSION?: string; DAVE_PROTOCOL_VERSION?: number };
    if (typeof module.DAVE_PROTOCOL_VERSION !== "number") {
      return { loaded: false, reason: "it loaded without a DAVE protocol version" };
    }
    return { loaded: true, version: module.VERSION ?? "unknown", protocol: module.DAVE_PROTOCOL_VERSION };
  } catch (error) {
    return { loaded: false, reason: error instanceof Error ? error.message.split("\n")[0] : String(error) };
  }
}

/** What is wrong and what to do when DAVE did not load; null when it did. */
export function daveProblem(status: DaveStatus): { detail: string; fix: string } | null {
  if (status.loaded) return null;
  return {
    detail: `DAVE's native module (@snazzah/davey) did not load (${status.reason}): Discord will refuse ` +
      "every voice connection (close 4017).",
    fix: "Run the bot with --allow-ffi (deno task start does), on a platform davey ships for " +
      "(Linux, macOS or Windows, x64 or arm64).",
  };
}

/** The doctor's check of DAVE. */
export async function checkDave(): Promise<CheckResult> {
  const status = await loadDave();
  if (status.loaded) return ok("DAVE", `@snazzah/davey ${status.version}, protocol ${status.protocol}`);
  const { detail, fix } = daveProblem(status)!;
  return problem("DAVE", "fail", detail, fix);
}
