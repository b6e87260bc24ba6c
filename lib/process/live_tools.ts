/**
 * The tool process groups alive in this thread, so a shutdown (or the thread that owns a worker) can kill
 * every one of them: terminating a worker does not end the processes it started.
 */
import { killProcessGroup } from "./process_group.ts";

/** What a registry reports to a listener as groups come and go. */
export type LiveToolsChange = { type: "started" | "ended"; pgid: number };

/** A set of live process groups, with a listener for changes. */
export class LiveTools {
  readonly #groups = new Map<number, Promise<unknown>>();
  readonly #listeners = new Set<(change: LiveToolsChange) => void>();

  /** Records group `pgid`, alive until `ended` settles. */
  add(pgid: number, ended: Promise<unknown>): void {
    this.#groups.set(pgid, ended);
    this.#emit({ type: "started", pgid });
    const forget = () => {
      if (this.#groups.get(pgid) !== ended) return;
      this.#groups.delete(pgid);
      this.#emit({ type: "ended", pgid });
    };
    ended.then(forget, forget);
  }

  /** The groups alive now. */
  get pgids(): number[] {
    return [...this.#groups.keys()];
  }

  /** Kills every live group, then waits (at most `boundMs`) for their leaders to be reaped. */
  async killAll(boundMs = 1000): Promise<void> {
    const ended = [...this.#groups].map(([pgid, done]) => {
      killProcessGroup(pgid);
      return done.catch(() => {});
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((resolve) => timer = setTimeout(resolve, boundMs));
    try {
      await Promise.race([Promise.all(ended), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Calls `listener` on every change from now on; returns the function that stops it. */
  listen(listener: (change: LiveToolsChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(change: LiveToolsChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}

/** This thread's registry: every tool started with `spawnTool` is in it unless told otherwise. */
export const liveTools: LiveTools = new LiveTools();
