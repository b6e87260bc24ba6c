/** Runs every check of `deno task doctor` and writes the report: one line per check, then what to fix. */
import type { Config } from "../../config.ts";
import type { CheckResult } from "./check_result.ts";
import { checkDave } from "./dave_module.ts";
import { checkToken } from "./token_check.ts";
import { checkFfmpeg } from "./tool_checks.ts";
import { checkChosenYtdlp } from "./ytdlp_choice.ts";
import { checkFolder } from "./writable_folder.ts";

/** Every check, in the order the report lists them. */
export async function runChecks(config: Config): Promise<CheckResult[]> {
  return [
    await checkFfmpeg(config.ffmpegPath),
    await checkChosenYtdlp(config),
    await checkToken(config),
    await checkFolder("data folder", config.dataDir, "TRAZOM_DATA_DIR"),
    await checkFolder("cache folder", config.cacheDir, "TRAZOM_CACHE_DIR"),
    await checkDave(),
  ];
}

const MARK = { ok: "ok  ", warn: "warn", fail: "FAIL" } as const;

/** The report's text; it ends by saying what to fix, or that all is well. */
export function formatReport(results: readonly CheckResult[]): string {
  const lines = results.map((result) => `${MARK[result.status]}  ${result.name}: ${result.detail}`);
  const toFix = results.filter((result) => result.status !== "ok");
  if (toFix.length === 0) return [...lines, "", "Everything the bot needs is in place."].join("\n");
  return [
    ...lines,
    "",
    `To fix (${toFix.length}):`,
    ...toFix.map((result) => `- ${result.name}: ${result.fix ?? result.detail}`),
  ].join("\n");
}

/** 1 when something must be fixed before the bot can work, else 0 (warnings included). */
export function exitCodeOf(results: readonly CheckResult[]): number {
  return results.some((result) => result.status === "fail") ? 1 : 0;
}
