/**
 * An external tool run in a process group of its own, so that killing it kills everything it started too.
 * The group is killed on abort, by `kill()`, and once more when the tool exits, for anything it left behind.
 */
import { type LiveTools, liveTools } from "./live_tools.ts";
import { killProcessGroup } from "./process_group.ts";
import { toolEnvironment } from "./tool_env.ts";

/** How to start a tool. */
export interface ToolSpawnOptions {
  args: string[];
  /** Variables the bot sets for this tool; it inherits nothing else but {@linkcode toolEnvironment}'s few. */
  env?: Record<string, string>;
  /** "piped" for a tool fed by the bot (a live stream into ffmpeg, a long-lived helper's requests); "null" by default. */
  stdin?: "piped" | "null";
  stdout?: "piped" | "null";
  stderr?: "piped" | "null";
  /** Aborting kills the whole group. */
  signal?: AbortSignal;
  /** The tool's working folder; the bot's own when unset. */
  cwd?: string;
  /** Where the live group is recorded; this thread's registry by default. */
  registry?: LiveTools;
}

type ToolState = { status: "running" } | { status: "killed" } | { status: "exited" };

/** A running tool and its process group (whose id is the tool's pid: it leads a session of its own). */
export class ToolProcess {
  readonly child: Deno.ChildProcess;
  /** Settles when the tool itself has exited; the group has been swept by then. */
  readonly status: Promise<Deno.CommandStatus>;
  #state: ToolState = { status: "running" };

  private constructor(child: Deno.ChildProcess, signal: AbortSignal | undefined, registry: LiveTools) {
    this.child = child;
    const kill = () => this.kill();
    signal?.addEventListener("abort", kill, { once: true });
    this.status = child.status.finally(() => {
      signal?.removeEventListener("abort", kill);
      // Whatever the tool started and did not wait for would otherwise outlive it.
      this.#sweep();
      if (this.#state.status === "running") this.#state = { status: "exited" };
    });
    registry.add(child.pid, this.status);
    if (signal?.aborted) this.kill();
  }

  /** Starts `command` in a new session (so a new process group); throws as Deno.Command does. */
  static spawn(command: string, options: ToolSpawnOptions): ToolProcess {
    options.signal?.throwIfAborted();
    const child = new Deno.Command(command, {
      args: options.args,
      // The bot's environment holds its token and secrets: a tool gets only what it needs.
      clearEnv: true,
      cwd: options.cwd,
      env: toolEnvironment(options.env),
      stdin: options.stdin ?? "null",
      stdout: options.stdout ?? "piped",
      stderr: options.stderr ?? "piped",
      // setsid(2) in the child: a group of its own, and no terminal's Ctrl-C reaches it behind our back.
      detached: true,
    }).spawn();
    return new ToolProcess(child, options.signal, options.registry ?? liveTools);
  }

  /** The tool's pid, which is also its process group id. */
  get pgid(): number {
    return this.child.pid;
  }

  /** True once `kill()` has been called while the tool was running. */
  get killed(): boolean {
    return this.#state.status === "killed";
  }

  /** SIGKILL to the whole group: there is nothing to flush, and a stuck read must not outlive a deadline. */
  kill(): void {
    if (this.#state.status !== "running") return;
    this.#state = { status: "killed" };
    this.#sweep();
  }

  /** Everything the tool printed, once it has exited. */
  output(): Promise<Deno.CommandOutput> {
    return this.child.output();
  }

  #sweep(): void {
    try {
      killProcessGroup(this.pgid);
    } catch (error) {
      // Without the means to kill a group, the tool itself at least must go.
      console.error(`Could not kill process group ${this.pgid}: ${error}`);
      try {
        this.child.kill("SIGKILL");
      } catch {
        // It has already exited.
      }
    }
  }
}
