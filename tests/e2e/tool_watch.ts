/**
 * Watches the processes a bot starts (ffmpeg, yt-dlp and their children: anything below the bot that left
 * its process group) and keeps the environment each was started with, read from /proc/PID/environ.
 */

/** One tool process seen, with its environment. */
export interface SeenTool {
  pid: number;
  command: string;
  environ: string[];
}

/** Samples /proc every few milliseconds until `stop()`; tools are short-lived, so it looks often. */
export class ToolWatch {
  readonly seen = new Map<number, SeenTool>();
  #running = true;
  readonly #done: Promise<void>;

  constructor(private readonly botPgid: number) {
    this.#done = this.#loop();
  }

  /** Stops sampling and returns every tool seen. */
  async stop(): Promise<SeenTool[]> {
    this.#running = false;
    await this.#done;
    return [...this.seen.values()];
  }

  async #loop(): Promise<void> {
    while (this.#running) {
      this.#sample();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  #sample(): void {
    const table = new Map<number, { ppid: number; pgid: number; command: string }>();
    for (const entry of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      const stat = readStat(Number(entry.name));
      if (stat !== undefined) table.set(Number(entry.name), stat);
    }
    for (const [pid, stat] of table) {
      if (stat.pgid === this.botPgid || this.seen.has(pid)) continue;
      if (!descendsFrom(pid, table, this.botPgid)) continue;
      // A child that has forked but not yet run its program is still the bot, environment and all.
      if (readCmdline(pid)?.includes("main.ts") !== false) continue;
      const environ = readEnviron(pid);
      if (environ !== undefined) this.seen.set(pid, { pid, command: stat.command, environ });
    }
  }
}

function descendsFrom(pid: number, table: Map<number, { ppid: number; pgid: number }>, pgid: number) {
  for (let at = table.get(pid)?.ppid; at !== undefined && at > 1; at = table.get(at)?.ppid) {
    if (table.get(at)?.pgid === pgid) return true;
  }
  return false;
}

function readStat(pid: number) {
  try {
    const text = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const close = text.lastIndexOf(")");
    const [, ppid, pgrp] = text.slice(close + 2).split(" ");
    return { ppid: Number(ppid), pgid: Number(pgrp), command: text.slice(text.indexOf("(") + 1, close) };
  } catch {
    return undefined;
  }
}

function readCmdline(pid: number): string | undefined {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/cmdline`).replaceAll("\0", " ");
  } catch {
    return undefined;
  }
}

function readEnviron(pid: number): string[] | undefined {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/environ`).split("\0").filter((entry) => entry !== "");
  } catch {
    return undefined;
  }
}
