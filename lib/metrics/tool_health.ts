/**
 * Whether ffmpeg and yt-dlp still run, checked again when the last check is old or a track just failed:
 * a tool removed or broken by an upgrade while the bot runs turns /healthz to 503 with the reason.
 */
import { checkFfmpeg } from "../doctor/tool_checks.ts";
import { runYtdlp } from "../sources/ytdlp_runner.ts";

/** What the last check found. */
export interface ToolReadings {
  /** Why a tool is unusable, one sentence each; empty when both work. */
  readonly problems: readonly string[];
  /** yt-dlp's `--version`, when it ran. */
  readonly ytdlpVersion?: string;
}

/** How the tools are checked (the real checks in production, stand-ins in unit tests). */
export interface ToolProbes {
  ffmpeg(): Promise<string | undefined>;
  ytdlp(): Promise<{ version: string } | { problem: string }>;
}

/** The bot's own probes: ffmpeg as the transcoder runs it, yt-dlp's `--version`. */
export function toolProbes(ffmpegPath: string | undefined, ytdlpPath: () => string): ToolProbes {
  return {
    async ffmpeg() {
      const result = await checkFfmpeg(ffmpegPath);
      return result.status === "ok" ? undefined : result.detail;
    },
    async ytdlp() {
      const path = ytdlpPath();
      const result = await runYtdlp(["--version"], { ytdlpPath: path, timeoutMs: 30_000 })
        .catch((error) => ({ code: -1, stdout: "", stderr: String(error) }));
      const version = result.stdout.trim().split(/\s+/)[0];
      if (result.code === 0 && version) return { version };
      return { problem: `yt-dlp could not be run from "${path}".` };
    },
  };
}

/** The tools' state, re-read at most every `maxAgeMs` and whenever `suspect()` is called. */
export class ToolHealth {
  #readings: ToolReadings = { problems: [] };
  #checkedAt = -Infinity;
  #checking: Promise<ToolReadings> | undefined;

  constructor(
    private readonly probes: ToolProbes,
    // yt-dlp takes a second or two of CPU to start: a monitor polling /healthz must not run it constantly.
    private readonly maxAgeMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The last readings; starts a fresh check in the background when they are old. */
  get readings(): ToolReadings {
    if (this.now() - this.#checkedAt > this.maxAgeMs) void this.check();
    return this.#readings;
  }

  /** Something failed that a broken tool would explain: check again now. */
  suspect(): void {
    void this.check();
  }

  /** Checks both tools (one check at a time) and keeps what it found. */
  check(): Promise<ToolReadings> {
    this.#checking ??= this.#run().finally(() => this.#checking = undefined);
    return this.#checking;
  }

  async #run(): Promise<ToolReadings> {
    const [ffmpeg, ytdlp] = await Promise.all([this.probes.ffmpeg(), this.probes.ytdlp()]);
    const problems = [ffmpeg, "problem" in ytdlp ? ytdlp.problem : undefined].filter((p) => p !== undefined);
    this.#readings = { problems, ytdlpVersion: "version" in ytdlp ? ytdlp.version : undefined };
    this.#checkedAt = this.now();
    return this.#readings;
  }
}
