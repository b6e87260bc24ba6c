/**
 * What the installed yt-dlp is: read once per worker from `yt-dlp --version`. Since November 2025 YouTube
 * only works with a yt-dlp that runs YouTube's player code in a JavaScript runtime (`--js-runtimes`), so
 * an older one is named in the log and in the reply to a YouTube request, with how to update it.
 */
import { UserError } from "../user_error.ts";
import { runYtdlp } from "./ytdlp_runner.ts";

/** What `yt-dlp --version` told, as far as the bot cares. */
export type YtdlpVersion =
  /** Knows `--js-runtimes`; YouTube can work. */
  | { status: "current"; version: string }
  /** Older than YouTube's JavaScript challenges: YouTube fails, other sites may still work. */
  | { status: "old"; version: string }
  /** A version string of a shape we do not know (a fork, say): run it without the new options. */
  | { status: "unknown"; version: string }
  /** It could not be run at all. */
  | { status: "missing"; path: string };

/** The first release with `--js-runtimes` and the EJS solver scripts. */
export const FIRST_CURRENT_VERSION = "2025.11.12";
/** What an operator should run; pip's `[default]` extra brings the solver scripts along. */
export const UPDATE_ADVICE = 'pip install -U "yt-dlp[default]"';

const PROBE_TIMEOUT_MS = 30_000;
const probes = new Map<string, Promise<YtdlpVersion>>();

/** Reads the output of `yt-dlp --version` ("2026.08.19", nightlies "2026.08.19.232300"). */
export function readYtdlpVersion(output: string): YtdlpVersion {
  const version = output.trim().split(/\s+/)[0] ?? "";
  const parts = /^(\d{4})\.(\d{1,2})\.(\d{1,2})(?:\.\d+)?$/.exec(version);
  if (parts === null) return { status: "unknown", version };
  const [year, month, day] = FIRST_CURRENT_VERSION.split(".").map(Number);
  const found = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const current = found[0] !== year
    ? found[0] > year
    : found[1] !== month
    ? found[1] > month
    : found[2] >= day;
  return { status: current ? "current" : "old", version };
}

/** Runs `yt-dlp --version` once per path in this worker; later callers share the answer. */
export function probeYtdlpVersion(ytdlpPath: string): Promise<YtdlpVersion> {
  let probe = probes.get(ytdlpPath);
  if (probe === undefined) {
    const missing: YtdlpVersion = { status: "missing", path: ytdlpPath };
    probe = runYtdlp(["--version"], { ytdlpPath, timeoutMs: PROBE_TIMEOUT_MS }).then(
      (result) => result.code === 0 ? readYtdlpVersion(result.stdout) : missing,
      () => missing,
    );
    probes.set(ytdlpPath, probe);
    // Installed after start-up: the next request looks again instead of failing forever.
    probe.then((found) => found.status === "missing" && probes.delete(ytdlpPath));
  }
  return probe;
}

/** The start-up log line about this yt-dlp: a warning for anything but a current one. */
export function versionLogLine(found: YtdlpVersion): { level: "info" | "warn"; text: string } {
  switch (found.status) {
    case "current":
      return { level: "info", text: `yt-dlp ${found.version}: YouTube supported.` };
    case "old":
      return {
        level: "warn",
        text:
          `yt-dlp ${found.version} is too old for YouTube (it needs ${FIRST_CURRENT_VERSION} or newer); ` +
          `YouTube requests will be refused until it is updated: ${UPDATE_ADVICE}`,
      };
    case "unknown":
      return {
        level: "warn",
        text: `yt-dlp reported an unfamiliar version "${found.version}"; running it without --js-runtimes.`,
      };
    case "missing":
      return {
        level: "warn",
        text:
          `yt-dlp could not be run from "${found.path}"; install it (${UPDATE_ADVICE}) or set YTDLP_PATH.`,
      };
  }
}

/** Throws the reply for a YouTube request when this yt-dlp cannot serve one. */
export function assertYoutubeReady(found: YtdlpVersion): void {
  if (found.status === "old") {
    throw new UserError(
      `The bot's yt-dlp (${found.version}) is too old to play from YouTube; ask the bot's owner to update it ` +
        `(${UPDATE_ADVICE}).`,
    );
  }
  assertRunnable(found);
}

/** Throws the reply for any request when yt-dlp is not there at all. */
export function assertRunnable(found: YtdlpVersion): void {
  if (found.status === "missing") {
    throw new UserError(
      `The bot can't run yt-dlp right now; ask the bot's owner to install it (${UPDATE_ADVICE}).`,
    );
  }
}
