/**
 * The bot's one way out, on SIGINT/SIGTERM or when Discord refuses it for good. Order matters: stop taking
 * interactions, let hooks save state while everything still works, leave voice, then close workers (each kills
 * its tool processes first), kill any tool process of the main thread, then close the gateway and the store. A step that hangs is given up on after a few seconds so the process always ends.
 */

/** What a shutdown closes, in this order, after the hooks. */
export interface ShutdownParts {
  /** Ends every guild session; the bot leaves its voice channels. */
  closeSessions(): Promise<void> | void;
  closeWorkers(): Promise<void> | void;
  /** Kills the tool process groups the main thread itself started (workers kill their own). */
  killTools?(): Promise<void> | void;
  closeGateway(): Promise<void> | void;
  closeStore(): Promise<void> | void;
}

/** Clocks and outputs, replaceable in tests. */
export interface ShutdownOptions {
  readonly exit?: (code: number) => void;
  /** How long one step (or one hook) may take before the shutdown moves on. */
  readonly stepTimeoutMs?: number;
  readonly log?: (line: string) => void;
  readonly logError?: (line: string, error?: unknown) => void;
}

type Step = readonly [name: string, run: () => unknown];

/** Runs the shutdown once, whoever asks first. */
export class Shutdown {
  readonly #parts: ShutdownParts;
  readonly #options: ShutdownOptions;
  readonly #hooks: Step[] = [];
  #status: "running" | "stopping" = "running";

  constructor(parts: ShutdownParts, options: ShutdownOptions = {}) {
    this.#parts = parts;
    this.#options = options;
  }

  /** False once a shutdown has begun: new interactions are ignored from then on. */
  get accepting(): boolean {
    return this.#status === "running";
  }

  /** Runs `hook` during shutdown, before voice, workers, gateway and store close (e.g. to save state). */
  onShutdown(name: string, hook: () => Promise<void> | void): void {
    this.#hooks.push([name, hook]);
  }

  /** Shuts down on SIGINT and SIGTERM. */
  listen(signals: readonly Deno.Signal[] = ["SIGINT", "SIGTERM"]): void {
    // Repeats are ignored, not taken as "stop now": `deno task` forwards the signal its process group
    // already got, so one Ctrl-C arrives twice. Step timeouts bound the shutdown instead.
    for (const signal of signals) {
      Deno.addSignalListener(signal, () => void this.run(0, `Received ${signal}; shutting down.`));
    }
  }

  /** Closes everything, then exits with `exitCode`; `reason` is logged first (as an error if non-zero). */
  async run(exitCode: number, reason: string): Promise<void> {
    if (!this.accepting) return;
    this.#status = "stopping";
    if (exitCode === 0) this.#log(reason);
    else this.#logError(reason);
    for (const step of [...this.#hooks, ...this.#steps()]) await this.#runStep(step);
    this.#log("Stopped.");
    this.#exit(exitCode);
  }

  #steps(): Step[] {
    const parts = this.#parts;
    return [
      ["leaving voice", () => parts.closeSessions()],
      ["closing workers", () => parts.closeWorkers()],
      ["stopping tool processes", () => parts.killTools?.()],
      ["closing the gateway", () => parts.closeGateway()],
      ["closing the store", () => parts.closeStore()],
    ];
  }

  async #runStep([name, run]: Step): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeoutMs = this.#options.stepTimeoutMs ?? 3000;
    const late = new Promise<"late">((resolve) => timer = setTimeout(() => resolve("late"), timeoutMs));
    try {
      const outcome = await Promise.race([Promise.resolve().then(run), late]);
      if (outcome === "late") this.#logError(`Shutdown: ${name} took over ${timeoutMs} ms; moving on.`);
    } catch (error) {
      this.#logError(`Shutdown: ${name} failed:`, error);
    } finally {
      clearTimeout(timer);
    }
  }

  #log(line: string): void {
    (this.#options.log ?? console.log)(line);
  }

  #logError(line: string, error?: unknown): void {
    const logError = this.#options.logError ??
      ((text, cause) => console.error(text, ...(cause ? [cause] : [])));
    logError(line, error);
  }

  #exit(code: number): void {
    (this.#options.exit ?? Deno.exit)(code);
  }
}
