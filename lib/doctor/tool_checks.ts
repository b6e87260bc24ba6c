/**
 * The external tools: ffmpeg (found as the transcoder finds it, with the Opus encoder and loudness filters
 * the bot uses) and yt-dlp (its version read as the resolver reads it, and whether it takes the bot's Deno
 * as the JavaScript runtime YouTube needs).
 */
import { findFfmpeg } from "../audio/ffmpeg_path.ts";
import { runTool } from "../audio/run_tool.ts";
import { runYtdlp } from "../sources/ytdlp_runner.ts";
import { probeYtdlpVersion, UPDATE_ADVICE, versionLogLine } from "../sources/ytdlp_version.ts";
import { type CheckResult, ok, problem } from "./check_result.ts";

const INSTALL_FFMPEG = "Install ffmpeg (on Debian or Ubuntu: sudo apt-get install -y ffmpeg)";

/** What to do when ffmpeg does not run: the fix depends on whether FFMPEG_PATH chose it. */
function ffmpegFix(configured?: string): string {
  return configured
    ? `${INSTALL_FFMPEG} and point FFMPEG_PATH at it, or unset FFMPEG_PATH to use the ffmpeg on PATH.`
    : `${INSTALL_FFMPEG} or set FFMPEG_PATH to an ffmpeg binary.`;
}
/** What the transcoder asks of ffmpeg. */
const NEEDED_ENCODERS = ["libopus"];
const NEEDED_FILTERS = ["loudnorm", "ebur128"];

/** ffmpeg's version, and whether it has what normalizing to Ogg Opus takes. */
export async function checkFfmpeg(configured?: string): Promise<CheckResult> {
  const path = await findFfmpeg(configured);
  let versionText: string;
  try {
    versionText = (await runTool(path, ["-hide_banner", "-version"])).stdout;
  } catch (error) {
    return problem(
      "ffmpeg",
      "fail",
      `ffmpeg could not be run from "${path}" (${messageOf(error)}).`,
      ffmpegFix(configured),
    );
  }
  const version = /ffmpeg version (\S+)/.exec(versionText)?.[1] ?? "of unknown version";
  try {
    const encoders = (await runTool(path, ["-hide_banner", "-encoders"])).stdout;
    const filters = (await runTool(path, ["-hide_banner", "-filters"])).stdout;
    const missing = [
      ...NEEDED_ENCODERS.filter((name) => !new RegExp(`\\s${name}\\s`).test(encoders)),
      ...NEEDED_FILTERS.filter((name) => !new RegExp(`\\s${name}\\s`).test(filters)),
    ];
    if (missing.length > 0) {
      return problem(
        "ffmpeg",
        "fail",
        `ffmpeg ${version} at "${path}" lacks ${missing.map((name) => `"${name}"`).join(", ")}.`,
        "Install a full ffmpeg build (Debian's ffmpeg package has them) or point FFMPEG_PATH at one.",
      );
    }
  } catch (error) {
    return problem(
      "ffmpeg",
      "fail",
      `ffmpeg ${version} at "${path}" failed (${messageOf(error)}).`,
      ffmpegFix(configured),
    );
  }
  return ok("ffmpeg", `${version} at "${path}", with libopus, loudnorm and ebur128`);
}

/** yt-dlp's version as the bot sees it, and for a current one, that it accepts the bot's Deno. */
export async function checkYtdlp(
  ytdlpPath: string,
  denoPath: string = Deno.execPath(),
): Promise<CheckResult> {
  const found = await probeYtdlpVersion(ytdlpPath);
  const line = versionLogLine(found);
  if (found.status === "missing") {
    return problem(
      "yt-dlp",
      "fail",
      `yt-dlp could not be run from "${ytdlpPath}".`,
      `Install it (${UPDATE_ADVICE}) or set YTDLP_PATH.`,
    );
  }
  if (found.status === "old") {
    return problem("yt-dlp", "fail", line.text.split(";")[0] + ".", `Update it: ${UPDATE_ADVICE}`);
  }
  if (found.status === "unknown") {
    return problem("yt-dlp", "warn", line.text, `If YouTube fails, ${UPDATE_ADVICE}`);
  }
  const runtime = await runYtdlp(["--ignore-config", "--js-runtimes", `deno:${denoPath}`, "--version"], {
    ytdlpPath,
    timeoutMs: 30_000,
  }).catch((error) => ({ code: -1, stdout: "", stderr: messageOf(error) }));
  if (runtime.code !== 0) {
    return problem(
      "yt-dlp",
      "fail",
      `yt-dlp ${found.version} refused --js-runtimes deno:${denoPath} (${lastLine(runtime.stderr)}).`,
      `YouTube needs it: ${UPDATE_ADVICE}`,
    );
  }
  return ok("yt-dlp", `${found.version} at "${ytdlpPath}", JavaScript runtime deno:${denoPath}`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function lastLine(text: string): string {
  return text.trim().split("\n").at(-1) || "no message";
}
