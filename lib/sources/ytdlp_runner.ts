/** Runs yt-dlp as a child process with a deadline, and reads its JSON answers. */
import { toolCaps } from "../process/tool_caps.ts";
import { ToolProcess } from "../process/tool_process.ts";
import type { ToolPriority } from "../process/tool_slots.ts";
import { UserError } from "../user_error.ts";
import { explainYtdlpFailure } from "./ytdlp_errors.ts";

/** How to run yt-dlp. */
export interface YtdlpRunOptions {
  /** The yt-dlp executable, e.g. "yt-dlp" (looked up on PATH) or an absolute path. */
  ytdlpPath: string;
  /** Aborting kills the process and all it started; the returned promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Where the run waits in line for one of this thread's yt-dlp slots; "now" unless said otherwise. */
  priority?: ToolPriority;
  /** The process is killed after this long and the run fails with a UserError. */
  timeoutMs: number;
}

/** What a finished yt-dlp run printed, and how it exited. */
export interface YtdlpResult {
  stdout: string;
  stderr: string;
  code: number;
}

// A proxy exception list in the environment would let yt-dlp (and the ffmpeg it starts) bypass the
// egress proxy for matching hosts; clear it so every connection goes through `--proxy`.
export const NO_PROXY_BYPASS: Readonly<Record<string, string>> = { no_proxy: "", NO_PROXY: "" };
const KILL_GRACE_MS = 2_000;

/** Runs yt-dlp with the given arguments, once a slot is free, killing it (and its ffmpeg) on timeout or abort. */
export async function runYtdlp(args: string[], options: YtdlpRunOptions): Promise<YtdlpResult> {
  return await toolCaps.ytdlp.run(options.priority ?? "now", () => runNow(args, options), options.signal);
}

async function runNow(args: string[], options: YtdlpRunOptions): Promise<YtdlpResult> {
  options.signal?.throwIfAborted();
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const stop = AbortSignal.any(options.signal ? [deadline, options.signal] : [deadline]);
  // The whole process group goes: yt-dlp and the ffmpeg it may have started.
  const tool = spawn(args, options.ytdlpPath, stop);
  const output = await outputOrGiveUp(tool, stop);
  if (options.signal?.aborted) throw options.signal.reason;
  if (deadline.aborted) {
    throw new UserError(
      `That took too long (over ${Math.round(options.timeoutMs / 1000)} s), so I gave up.`,
    );
  }
  if (output === undefined) throw new Error("yt-dlp did not exit after it was stopped");
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { stdout: decode(output.stdout), stderr: decode(output.stderr), code: output.code };
}

/** Runs yt-dlp and parses its JSON, or throws the UserError explaining why it failed. */
export async function ytdlpJson(args: string[], options: YtdlpRunOptions): Promise<unknown> {
  const result = await runYtdlp(args, options);
  if (result.code !== 0) throw explainYtdlpFailure(result.stderr, result.code);
  try {
    return JSON.parse(result.stdout);
  } catch (error) {
    throw new Error(`yt-dlp printed something that is not JSON: ${result.stdout.slice(0, 200)}`, {
      cause: error,
    });
  }
}

function spawn(args: string[], ytdlpPath: string, signal: AbortSignal): ToolProcess {
  try {
    return ToolProcess.spawn(ytdlpPath, { args, env: NO_PROXY_BYPASS, signal });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(`yt-dlp was not found at "${ytdlpPath}"; install it or configure its path.`, {
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * The process's output, or undefined shortly after `stop` fires: a grandchild that left yt-dlp's process
 * group could keep the pipes open after the group is killed, and the caller must not wait for it.
 */
async function outputOrGiveUp(tool: ToolProcess, stop: AbortSignal) {
  const output = tool.output();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const givenUp = new Promise<undefined>((resolve) => {
    const later = () => timer = setTimeout(() => resolve(undefined), KILL_GRACE_MS);
    if (stop.aborted) later();
    else stop.addEventListener("abort", later, { once: true });
  });
  try {
    return await Promise.race([output, givenUp]);
  } finally {
    clearTimeout(timer);
    output.catch(() => {});
  }
}
