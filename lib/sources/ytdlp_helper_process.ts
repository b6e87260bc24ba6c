/**
 * One warm yt-dlp helper process (ytdlp_helper.py): started once, it answers one extraction at a time over
 * JSON lines. Cancelling or timing out an extraction kills the process (and whatever it started): Python
 * cannot stop a thread, and a process that answers one request at a time loses no other work by it.
 */
import type { LiveTools } from "../process/live_tools.ts";
import { ToolProcess } from "../process/tool_process.ts";
import { UserError } from "../user_error.ts";

/** What the helper answered for one extraction: `-J`'s JSON, or what yt-dlp printed to stderr. */
export type HelperAnswer = { json: unknown } | { error: string };

/** How a helper process ended, when it has. */
export type HelperEnd =
  /** yt_dlp cannot be imported by this interpreter (a PyInstaller build, no Python at all). */
  | { kind: "unavailable"; reason: string }
  /** It died or broke the protocol on its own; `detail` is the end of what it printed. */
  | { kind: "died"; detail: string }
  /** yt-dlp was upgraded on disk after this helper imported it; a fresh one imports the new one. */
  | { kind: "outdated" }
  /** We stopped it: a cancelled or overdue extraction, a retirement, a shutdown. */
  | { kind: "stopped" };

type State =
  | { status: "starting" }
  | { status: "idle"; version: string }
  | { status: "busy"; version: string; id: number; settle: (answer: HelperAnswer | HelperEnd) => void }
  | { status: "ended"; end: HelperEnd };

/** How to start a helper process. */
export interface HelperProcessOptions {
  python: string;
  /** The helper's source, given to the interpreter with `-c` (a compiled bot has no file to point at). */
  script: string;
  /** Variables added to the inherited environment. */
  env?: Record<string, string>;
  registry?: LiveTools;
}

/** Raised when the helper died during an extraction; the request may be tried again once. */
export class HelperDiedError extends Error {}

// A -J answer for a 200-entry playlist is a few MB; anything near this is a broken helper, not an answer.
const MAX_LINE_CHARS = 64 * 1024 * 1024;
const STDERR_TAIL_CHARS = 2000;
const NOT_RUNNABLE = [Deno.errors.NotFound, Deno.errors.PermissionDenied, Deno.errors.NotCapable];

/** A running (or ended) helper process. */
export class HelperProcess {
  /** Extractions answered so far, so the owner can retire a helper after a number of them. */
  served = 0;
  /** Set by the owner while one of its callers holds this helper. */
  claimed = false;
  /** Settles once the helper is ready (with yt-dlp's version) or has ended before it was. */
  readonly ready: Promise<{ version: string } | HelperEnd>;
  #state: State = { status: "starting" };
  #tool: ToolProcess | undefined;
  #nextId = 1;
  #stderrTail = "";
  #greeted = false;
  #readyListeners: ((value: { version: string } | HelperEnd) => void)[] = [];
  #endListeners: ((end: HelperEnd) => void)[] = [];

  constructor(options: HelperProcessOptions) {
    this.ready = new Promise((resolve) => this.#readyListeners.push(resolve));
    try {
      this.#tool = ToolProcess.spawn(options.python, {
        args: ["-c", options.script],
        env: options.env,
        stdin: "piped",
        registry: options.registry,
      });
    } catch (error) {
      if (!NOT_RUNNABLE.some((kind) => error instanceof kind)) throw error;
      this.#setState({
        status: "ended",
        end: { kind: "unavailable", reason: `${options.python}: ${error}` },
      });
      return;
    }
    this.#readLines(this.#tool.child.stdout);
    this.#keepStderrTail(this.#tool.child.stderr);
    this.#tool.status.then((status) => {
      const detail = `exit ${status.code}${status.signal ? ` (${status.signal})` : ""}: ${this.#stderrTail}`;
      this.#setState({ status: "ended", end: { kind: "died", detail: detail.trim() } });
    });
  }

  /** "starting", "idle", "busy" or "ended". */
  get status(): State["status"] {
    return this.#state.status;
  }

  /** True once it has greeted (yt_dlp imported and warmed up). */
  get greeted(): boolean {
    return this.#greeted;
  }

  /** The process id (also its process group's), unless it could not start. */
  get pid(): number | undefined {
    return this.#tool?.pgid;
  }

  /** How it ended, once it has. */
  get end(): HelperEnd | undefined {
    return this.#state.status === "ended" ? this.#state.end : undefined;
  }

  /** Calls `listener` once when the process ends (at once if it has). */
  onEnd(listener: (end: HelperEnd) => void): void {
    if (this.#state.status === "ended") listener(this.#state.end);
    else this.#endListeners.push(listener);
  }

  /**
   * Runs one extraction with yt-dlp's command-line `args`. Aborting `signal` or passing `timeoutMs` kills
   * the helper; a helper that dies on its own rejects with {@linkcode HelperDiedError}.
   */
  async extract(args: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<HelperAnswer> {
    signal?.throwIfAborted();
    const state = this.#state;
    if (state.status !== "idle") throw new Error(`The yt-dlp helper is ${state.status}, not idle`);
    const id = this.#nextId++;
    const settled = new Promise<HelperAnswer | HelperEnd>((settle) => {
      this.#setState({ status: "busy", version: state.version, id, settle });
    });
    const overdue = AbortSignal.timeout(timeoutMs);
    const stop = AbortSignal.any(signal ? [signal, overdue] : [overdue]);
    const kill = () => this.stop();
    stop.addEventListener("abort", kill, { once: true });
    try {
      await this.#write({ id, args, timeout: Math.ceil(timeoutMs / 1000) });
      const answer = await settled;
      if ("json" in answer || "error" in answer) return answer;
      if (signal?.aborted) throw signal.reason;
      if (overdue.aborted) {
        throw new UserError(`That took too long (over ${Math.round(timeoutMs / 1000)} s), so I gave up.`);
      }
      throw new HelperDiedError(`The yt-dlp helper ended during an extraction: ${describeEnd(answer)}`);
    } finally {
      stop.removeEventListener("abort", kill);
    }
  }

  /** Kills the process and everything it started; an extraction in flight ends as stopped. */
  stop(): void {
    if (this.#state.status === "ended") return;
    this.#setState({ status: "ended", end: { kind: "stopped" } });
    this.#tool?.kill();
  }

  /** The one place the state changes: it settles whoever waited on the state being left. */
  #setState(next: State): void {
    const previous = this.#state;
    if (previous.status === "ended") return;
    this.#state = next;
    if (previous.status === "busy" && next.status !== "busy") {
      if (next.status === "ended") previous.settle(next.end);
    }
    if (next.status === "ended") {
      for (const listener of this.#readyListeners.splice(0)) listener(next.end);
      for (const listener of this.#endListeners.splice(0)) listener(next.end);
      if (this.#tool) {
        // Its end is in the state now; the pipe needs no more writes.
        this.#tool.child.stdin.close().catch(() => {});
        this.#tool.kill();
      }
    } else if (previous.status === "starting" && next.status === "idle") {
      this.#greeted = true;
      for (const listener of this.#readyListeners.splice(0)) listener({ version: next.version });
    }
  }

  #onMessage(message: Record<string, unknown>): void {
    const state = this.#state;
    if (state.status === "starting") {
      const hello = message.hello as { version?: unknown } | undefined;
      if (typeof message.unavailable === "string") {
        this.#setState({ status: "ended", end: { kind: "unavailable", reason: message.unavailable } });
      } else if (hello && typeof hello.version === "string") {
        this.#setState({ status: "idle", version: hello.version });
      } else this.#broken("a first line that is no greeting");
      return;
    }
    if (state.status !== "busy" || message.id !== state.id) return this.#broken("an answer nobody asked for");
    if (typeof message.changed === "string") {
      return this.#setState({ status: "ended", end: { kind: "outdated" } });
    }
    this.served++;
    this.#setState({ status: "idle", version: state.version });
    if (typeof message.error === "string") state.settle({ error: message.error });
    else state.settle({ json: message.json });
  }

  #broken(what: string): void {
    this.#setState({ status: "ended", end: { kind: "died", detail: `the helper sent ${what}` } });
  }

  async #write(message: unknown): Promise<void> {
    const writer = this.#tool!.child.stdin.getWriter();
    try {
      await writer.write(new TextEncoder().encode(JSON.stringify(message) + "\n"));
    } catch {
      // The process has gone: its end settles the extraction.
    } finally {
      writer.releaseLock();
    }
  }

  async #readLines(stdout: ReadableStream<Uint8Array>): Promise<void> {
    let buffered = "";
    try {
      for await (const text of stdout.pipeThrough(new TextDecoderStream())) {
        buffered += text;
        if (buffered.length > MAX_LINE_CHARS) return this.#broken("a line too long to be an answer");
        let newline: number;
        while ((newline = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          let message: unknown;
          try {
            message = JSON.parse(line);
          } catch {
            return this.#broken("a line that is not JSON");
          }
          if (typeof message !== "object" || message === null) {
            return this.#broken("a line that is no object");
          }
          this.#onMessage(message as Record<string, unknown>);
        }
      }
    } catch {
      // The pipe broke with the process; its exit status says the rest.
    }
  }

  async #keepStderrTail(stderr: ReadableStream<Uint8Array>): Promise<void> {
    try {
      for await (const text of stderr.pipeThrough(new TextDecoderStream())) {
        this.#stderrTail = (this.#stderrTail + text).slice(-STDERR_TAIL_CHARS);
      }
    } catch {
      // As above.
    }
  }
}

/** A helper's end in a sentence for the log. */
export function describeEnd(end: HelperEnd): string {
  switch (end.kind) {
    case "unavailable":
      return `yt_dlp cannot be used as a library (${end.reason})`;
    case "died":
      return `it died (${end.detail || "no output"})`;
    case "outdated":
      return "yt-dlp changed on disk";
    case "stopped":
      return "it was stopped";
  }
}
