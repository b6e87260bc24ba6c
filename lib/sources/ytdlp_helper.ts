/**
 * yt-dlp without its start-up: warm helper processes (ytdlp_helper.py) that have imported yt_dlp once and
 * answer `-J` extractions from the same command lines a one-off run would get. One stays warm; more start
 * when extractions overlap, up to `size`. A helper is replaced when it dies, after `maxRequests` extractions
 * (yt-dlp keeps caches that only grow), and when yt-dlp changed on disk: a helper notices an upgrade itself
 * before its next extraction, and `refresh` replaces them all at once. Where yt_dlp cannot be imported (a
 * PyInstaller build), the helper says so and callers run yt-dlp once per request instead.
 */
import type { LiveTools } from "../process/live_tools.ts";
import { onYtdlpChange } from "./current_ytdlp.ts";
import { toolCaps } from "../process/tool_caps.ts";
import { UserError } from "../user_error.ts";
import { describeEnd, type HelperAnswer, HelperDiedError, HelperProcess } from "./ytdlp_helper_process.ts";

export type { HelperAnswer } from "./ytdlp_helper_process.ts";

/** How the helpers are started. */
export interface YtdlpHelperOptions {
  /** The Python that runs yt-dlp (see {@linkcode helperPython}). */
  python: string;
  /** The helper's source; read from ytdlp_helper.py by {@linkcode readHelperScript}. */
  script: string;
  /** Most helpers at once (the yt-dlp jobs cap). */
  size: number;
  /** A helper is replaced after this many extractions. */
  maxRequests?: number;
  env?: Record<string, string>;
  registry?: LiveTools;
  log?: (line: string) => void;
}

/** What an extraction came to: yt-dlp's answer, or "unavailable" when the caller must run yt-dlp itself. */
export type HelperResult = HelperAnswer | { unavailable: string };

type State =
  | { status: "running"; helpers: Set<HelperProcess>; failedStarts: number }
  /** yt_dlp cannot be used as a library here; `refresh` tries again. */
  | { status: "unavailable"; reason: string }
  | { status: "closed" };

const DEFAULT_MAX_REQUESTS = 200;
/** Helpers that die before their greeting this many times in a row mean something is wrong for good. */
const MAX_FAILED_STARTS = 3;

/** The warm helpers of one worker. */
export class YtdlpHelper {
  #state: State = { status: "running", helpers: new Set(), failedStarts: 0 };
  #waiters: (() => void)[] = [];
  #options: YtdlpHelperOptions;
  /** Run once the helpers are closed for good (a subscription to yt-dlp changes, say). */
  #onClose: (() => void)[] = [];

  constructor(options: YtdlpHelperOptions) {
    this.#options = options;
    this.#keepOneWarm();
  }

  /** "running", "unavailable" or "closed". */
  get status(): State["status"] {
    return this.#state.status;
  }

  /** The live helper processes' ids, for tests that kill one. */
  get pids(): number[] {
    if (this.#state.status !== "running") return [];
    return [...this.#state.helpers].flatMap((helper) => helper.pid === undefined ? [] : [helper.pid]);
  }

  /** Settles once a helper is ready, or with why none can be. */
  async warm(): Promise<{ version: string } | { unavailable: string }> {
    const state = this.#state;
    if (state.status !== "running") return { unavailable: this.#reason() };
    const first = [...state.helpers].find((helper) => helper.status !== "ended") ?? this.#start();
    const ready = await first.ready;
    if ("version" in ready) return ready;
    return this.#state.status === "running" ? await this.warm() : { unavailable: this.#reason() };
  }

  /**
   * Extracts with yt-dlp's command-line `args` in a warm helper. A helper that dies mid-extraction (not
   * by cancellation or time-out) is replaced and the extraction tried once more.
   */
  async extract(args: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<HelperResult> {
    for (let attempt = 1;; attempt++) {
      const helper = await this.#acquire(signal);
      if (!helper) return { unavailable: this.#reason() };
      try {
        return await helper.extract(args, timeoutMs, signal);
      } catch (error) {
        if (!(error instanceof HelperDiedError)) throw error;
        // Twice is no accident of one process; the person asking should hear it, and may try again.
        if (attempt >= 2) {
          throw new UserError("yt-dlp stopped unexpectedly; please try again.", { cause: error });
        }
        this.#options.log?.(`${error.message}; trying once more in a fresh one.`);
      } finally {
        this.#release(helper);
      }
    }
  }

  /**
   * yt-dlp changed (updated, reinstalled, switched to another installation whose Python is `python`): every
   * helper is replaced, busy ones after their extraction.
   */
  refresh(python?: string): void {
    const state = this.#state;
    if (state.status === "closed") return;
    if (python !== undefined) this.#options = { ...this.#options, python };
    if (state.status === "running") {
      state.failedStarts = 0;
      for (const helper of [...state.helpers]) {
        // A busy helper finishes its extraction first and is then let go like one that served its number.
        helper.served = Infinity;
        if (helper.status !== "busy" && !helper.claimed) helper.stop();
      }
    } else this.#state = { status: "running", helpers: new Set(), failedStarts: 0 };
    this.#keepOneWarm();
  }

  /** Stops every helper; later extractions answer "unavailable". */
  close(): void {
    const state = this.#state;
    this.#state = { status: "closed" };
    for (const stop of this.#onClose.splice(0)) stop();
    if (state.status === "running") { for (const helper of state.helpers) helper.stop(); }
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Runs `stop` when the helpers are closed. */
  whenClosed(stop: () => void): void {
    if (this.#state.status === "closed") stop();
    else this.#onClose.push(stop);
  }

  /** An idle helper, a new one while there is room, or the next one to come free; undefined if none can be. */
  async #acquire(signal?: AbortSignal): Promise<HelperProcess | undefined> {
    while (true) {
      signal?.throwIfAborted();
      const state = this.#state;
      if (state.status !== "running") return undefined;
      const helpers = [...state.helpers];
      const free = helpers.find((helper) => helper.status === "idle" && !helper.claimed) ??
        helpers.find((helper) => helper.status === "starting" && !helper.claimed) ??
        (helpers.filter((helper) => helper.status !== "ended").length < this.#options.size
          ? this.#start()
          : undefined);
      if (free === undefined) {
        await new Promise<void>((resolve) => this.#waiters.push(resolve));
        continue;
      }
      free.claimed = true;
      const ready = await free.ready;
      if ("version" in ready && free.status === "idle") return free;
      free.claimed = false;
    }
  }

  #release(helper: HelperProcess): void {
    helper.claimed = false;
    if (helper.served >= (this.#options.maxRequests ?? DEFAULT_MAX_REQUESTS)) helper.stop();
    this.#waiters.shift()?.();
  }

  #start(): HelperProcess {
    const state = this.#state;
    if (state.status !== "running") throw new Error("No helper starts once they are unavailable or closed");
    const helper = new HelperProcess({
      python: this.#options.python,
      script: this.#options.script,
      env: this.#options.env,
      registry: this.#options.registry,
    });
    state.helpers.add(helper);
    helper.ready.then((ready) => {
      if ("version" in ready && this.#state === state) state.failedStarts = 0;
    });
    helper.onEnd((end) => {
      state.helpers.delete(helper);
      if (this.#state !== state) return;
      const beforeGreeting = end.kind !== "stopped" && helper.served === 0 && !helper.greeted;
      if (end.kind === "unavailable" || (beforeGreeting && ++state.failedStarts >= MAX_FAILED_STARTS)) {
        this.#state = { status: "unavailable", reason: describeEnd(end) };
        this.#options.log?.(`yt-dlp runs once per request: ${describeEnd(end)}.`);
        for (const other of [...state.helpers]) other.stop();
        for (const wake of this.#waiters.splice(0)) wake();
        return;
      }
      if (end.kind === "died" || end.kind === "outdated") {
        this.#options.log?.(`A yt-dlp helper ended: ${describeEnd(end)}; starting another.`);
      }
      this.#keepOneWarm();
      this.#waiters.shift()?.();
    });
    return helper;
  }

  /** Whatever happened, one helper is warm (or warming) for the next request. */
  #keepOneWarm(): void {
    const state = this.#state;
    if (state.status !== "running") return;
    const usable = [...state.helpers].some((helper) =>
      helper.status !== "ended" && helper.served < (this.#options.maxRequests ?? DEFAULT_MAX_REQUESTS)
    );
    if (!usable) this.#start();
  }

  #reason(): string {
    const state = this.#state;
    return state.status === "unavailable" ? state.reason : "the helpers are closed";
  }
}

/** How a worker's settings name its helpers: off, or on with an interpreter (found when unset). */
export interface HelperSettings {
  ytdlpPath: string;
  /** TRAZOM_YTDLP_HELPER; off unless true. */
  ytdlpHelper?: boolean;
  /** YTDLP_PYTHON. */
  ytdlpPython?: string;
}

/** This worker's warm helpers, or undefined when they are turned off; as many as its yt-dlp jobs. */
export async function startYtdlpHelper(settings: HelperSettings): Promise<YtdlpHelper | undefined> {
  if (!settings.ytdlpHelper) return undefined;
  let script: string;
  try {
    script = await readHelperScript();
  } catch (error) {
    // Started from another folder without read access to the bot's files, say: slower, but it works.
    console.warn(`yt-dlp runs once per request: the helper's script could not be read (${error}).`);
    return undefined;
  }
  const helper = new YtdlpHelper({
    python: await helperPython(settings.ytdlpPath, settings.ytdlpPython),
    script,
    size: toolCaps.ytdlp.size,
    log: (line) => console.warn(line),
  });
  // The bot switched to another yt-dlp (its own, updated): warm helpers of the old one must not serve on.
  const unsubscribe = onYtdlpChange(async () => {
    helper.refresh(await helperPython(settings.ytdlpPath, settings.ytdlpPython));
  });
  helper.whenClosed(unsubscribe);
  return helper;
}

/** The helper's Python source, shipped beside this file (and included in a compiled bot). */
export async function readHelperScript(): Promise<string> {
  return await Deno.readTextFile(new URL("./ytdlp_helper.py", import.meta.url));
}

/**
 * The Python that runs yt-dlp: YTDLP_PYTHON when set, else the interpreter named in the yt-dlp script's
 * first line (`#!/usr/bin/python3`, `#!/usr/bin/env python3`) when it can be read, else "python3".
 */
export async function helperPython(ytdlpPath: string, configured?: string): Promise<string> {
  if (configured !== undefined) return configured;
  // A bare name is looked up on PATH by the system; the bot may not read PATH or the file, so it guesses.
  if (!ytdlpPath.includes("/")) return "python3";
  let head: string;
  try {
    const file = await Deno.open(ytdlpPath);
    try {
      const bytes = new Uint8Array(256);
      const length = await file.read(bytes) ?? 0;
      head = new TextDecoder().decode(bytes.subarray(0, length));
    } finally {
      file.close();
    }
  } catch {
    return "python3";
  }
  return pythonOfShebang(head) ?? "python3";
}

/** The Python a script's `#!` line runs, or undefined when it runs something else (a shell, a binary). */
export function pythonOfShebang(head: string): string | undefined {
  const line = /^#!([^\n]*)/.exec(head)?.[1].trim();
  if (line === undefined) return undefined;
  const words = line.split(/\s+/);
  const program = /(^|\/)env$/.test(words[0])
    ? words.slice(1).find((word) => !word.startsWith("-"))
    : words[0];
  return program !== undefined && /(^|\/)python[0-9.]*$/.test(program) ? program : undefined;
}
