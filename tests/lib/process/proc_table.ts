/** What /proc says about processes: enough to see whether a tool's process group is really gone. */

/** A live (not zombie) process, from /proc/PID/stat. */
export interface ProcInfo {
  pid: number;
  pgid: number;
  command: string;
}

/** Live processes whose process group is `pgid`. */
export function processesInGroup(pgid: number): ProcInfo[] {
  const found: ProcInfo[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const info = readStat(Number(entry.name));
    if (info?.pgid === pgid) found.push(info);
  }
  return found;
}

/** True while `pid` runs; a zombie (dead, not yet reaped) counts as gone. */
export function isAlive(pid: number): boolean {
  return readStat(pid) !== undefined;
}

function readStat(pid: number): ProcInfo | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch {
    return undefined;
  }
  // "pid (command) state ppid pgrp ...": the command may hold spaces and parentheses, so split at the last ")".
  const close = text.lastIndexOf(")");
  const command = text.slice(text.indexOf("(") + 1, close);
  const [state, , pgrp] = text.slice(close + 2).split(" ");
  if (state === "Z" || state === "X") return undefined;
  return { pid, pgid: Number(pgrp), command };
}

/** Pids of live processes whose command line (arguments joined by spaces) passes `matches`. */
export function processesWhoseCommand(matches: (commandLine: string) => boolean): number[] {
  const found: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    let commandLine: string;
    try {
      commandLine = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).replaceAll("\0", " ");
    } catch {
      continue;
    }
    if (matches(commandLine) && isAlive(Number(entry.name))) found.push(Number(entry.name));
  }
  return found;
}

/** The ffmpeg processes encoding a live stream (reading a pipe through loudnorm's running estimate). */
export function liveEncoders(): number[] {
  return processesWhoseCommand((line) => line.includes("pipe:0") && line.includes("loudnorm=I="));
}

/** Live processes descending from `pid` whose command line contains `marker`. */
export function descendantsWith(pid: number, marker: string): number[] {
  const parents = new Map<number, number>();
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      parents.set(Number(entry.name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // It ended while we looked.
    }
  }
  const descends = (child: number): boolean => {
    for (let at = parents.get(child); at !== undefined && at > 1; at = parents.get(at)) {
      if (at === pid) return true;
    }
    return false;
  };
  return [...parents.keys()].filter((child) => {
    if (!descends(child) || !isAlive(child)) return false;
    try {
      return Deno.readTextFileSync(`/proc/${child}/cmdline`).includes(marker);
    } catch {
      return false;
    }
  });
}
