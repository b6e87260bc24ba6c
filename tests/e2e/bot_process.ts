/**
 * The real bot, started exactly as an operator starts it (`deno task start`), in its own process group so
 * a test can stop it gracefully or kill it outright, and with its output kept for assertions.
 */
import { fileURLToPath } from "node:url";

const REPOSITORY = fileURLToPath(new URL("../../", import.meta.url));

/** A running bot and everything it printed. */
export class BotProcess {
  readonly output: string[] = [];
  readonly #child: Deno.ChildProcess;
  readonly #reading: Promise<void>;
  readonly exited: Promise<Deno.CommandStatus>;

  private constructor(env: Record<string, string>) {
    // setsid: the task shell and the bot then share a process group that one signal reaches.
    this.#child = new Deno.Command("setsid", {
      args: ["deno", "task", "--quiet", "start"],
      cwd: REPOSITORY,
      clearEnv: true,
      env: { PATH: Deno.env.get("PATH") ?? "", HOME: Deno.env.get("HOME") ?? "/tmp", NO_COLOR: "1", ...env },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#reading = Promise.all([this.#keep(this.#child.stdout), this.#keep(this.#child.stderr)]).then(
      () => {},
    );
    this.exited = this.#child.status;
  }

  /** Starts the bot with `env` (its configuration) and nothing else from this process's environment. */
  static start(env: Record<string, string>): BotProcess {
    return new BotProcess(env);
  }

  /** The process group of the task shell and the bot (the pid of the process the test started). */
  get pgid(): number {
    return this.#child.pid;
  }

  /** The process id of the task that runs the bot (the bot's processes descend from it). */
  get pid(): number {
    return this.#child.pid;
  }

  /** Everything printed so far, as one text. */
  get log(): string {
    return this.output.join("\n");
  }

  /** Resolves when a printed line matches, rejecting after `timeoutMs` or if the bot exits first. */
  async waitForOutput(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    this.exited.then(() => (exited = true));
    while (Date.now() < deadline) {
      const line = this.output.find((text) => pattern.test(text));
      if (line !== undefined) return line;
      if (exited) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`The bot did not print ${pattern} in time. It printed:\n${this.log}`);
  }

  /** SIGTERM, then waits for the exit (and kills it if it hangs). */
  async stop(timeoutMs = 10_000): Promise<Deno.CommandStatus> {
    this.#signal("SIGTERM");
    const timer = setTimeout(() => this.#signal("SIGKILL"), timeoutMs);
    const status = await this.exited;
    clearTimeout(timer);
    await this.#reading;
    return status;
  }

  /** kill -9, as a crash or an out-of-memory killer would. */
  async kill(): Promise<void> {
    this.#signal("SIGKILL");
    await this.exited;
    await this.#reading;
  }

  #signal(signal: Deno.Signal): void {
    try {
      Deno.kill(-this.#child.pid, signal);
    } catch {
      // Already gone.
    }
  }

  async #keep(stream: ReadableStream<Uint8Array>): Promise<void> {
    const verbose = Deno.env.get("TRAZOM_TEST_VERBOSE") === "1";
    let pending = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      const lines = (pending + chunk).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        this.output.push(line);
        if (verbose) console.log(`[bot] ${line}`);
      }
    }
    if (pending) this.output.push(pending);
  }
}
