/** One line of the doctor's report: what was checked, how it went, and what to do about it. */

/** `warn`: the bot runs, but something will not work; `fail`: the bot cannot run as configured. */
export type CheckStatus = "ok" | "warn" | "fail";

/** The outcome of one check. */
export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  /** What was found, e.g. a version. */
  readonly detail: string;
  /** What to do, for anything but ok. */
  readonly fix?: string;
}

/** A check that passed. */
export function ok(name: string, detail: string): CheckResult {
  return { name, status: "ok", detail };
}

/** A check that found a problem; `status` says how bad. */
export function problem(name: string, status: "warn" | "fail", detail: string, fix: string): CheckResult {
  return { name, status, detail, fix };
}
