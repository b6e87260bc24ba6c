/**
 * `deno task doctor`: checks the set-up the bot needs (ffmpeg, yt-dlp and its JavaScript runtime, the
 * Discord token, the data and cache folders, DAVE's native module) with the bot's own code, and says
 * what to fix. Reads the same configuration (and `.env`) as `deno task start`.
 */
import { ConfigError, parseConfig, processEnv } from "./config.ts";
import { exitCodeOf, formatReport, runChecks } from "./lib/doctor/doctor_report.ts";

if (import.meta.main) {
  try {
    const results = await runChecks(parseConfig(processEnv()));
    console.log(formatReport(results));
    Deno.exit(exitCodeOf(results));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.log(`FAIL  configuration: ${error.message}\n\nFix these first, then run the doctor again.`);
    Deno.exit(1);
  }
}
