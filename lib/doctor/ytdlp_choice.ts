/**
 * The doctor's view of which yt-dlp the bot would run and why, without installing anything: YTDLP_PATH,
 * else a new-enough one on PATH, else the bot's own installation, else none yet (the bot installs one).
 */
import type { Config } from "../../config.ts";
import { OwnYtdlp } from "../sources/own_ytdlp.ts";
import { probeYtdlpVersion } from "../sources/ytdlp_version.ts";
import { type CheckResult, ok } from "./check_result.ts";
import { checkYtdlp } from "./tool_checks.ts";

/** The yt-dlp check, on the yt-dlp the bot would choose, with the reason in its detail. */
export async function checkChosenYtdlp(config: Config): Promise<CheckResult> {
  if (config.ytdlpPathSet) return withReason(await checkYtdlp(config.ytdlpPath), "set by YTDLP_PATH");
  const onPath = await probeYtdlpVersion("yt-dlp");
  if (onPath.status === "current") return withReason(await checkYtdlp("yt-dlp"), "found on PATH");
  const own = new OwnYtdlp(config.dataDir, { log: () => {} });
  const installed = await own.current();
  const update = config.ownYtdlp.update === "daily"
    ? "updated daily"
    : "not updated (TRAZOM_YTDLP_UPDATE=off)";
  if (installed) {
    return withReason(await checkYtdlp(own.command), `installed by the bot in ${own.dir}, ${update}`);
  }
  const why = onPath.status === "missing" ? "none on PATH" : `the one on PATH is ${onPath.version}, too old`;
  return ok("yt-dlp", `${why}; the bot installs its own into ${own.dir} at start (python3 -m venv and pip)`);
}

function withReason(result: CheckResult, reason: string): CheckResult {
  return { ...result, detail: `${result.detail.replace(/\.$/, "")} (${reason})` };
}
