/**
 * The bot's own memory and CPU time, read from /proc. The bot runs as `deno task start` → sh → deno, so the
 * process that matters is found by its command line, which names the world's unique data folder.
 */

const CLOCK_TICKS_PER_SECOND = await clockTicks();

/** Memory and CPU readings of one running bot process (main thread and workers; not ffmpeg or yt-dlp). */
export class BotResources {
  private constructor(readonly pid: number) {}

  /** Finds the bot's deno process; retries briefly, since the task shell execs it a moment after spawn. */
  static async find(dataDir: string, timeoutMs = 10_000): Promise<BotResources> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const pid = await botPid(dataDir);
      if (pid !== undefined) return new BotResources(pid);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`No deno process running main.ts with data folder "${dataDir}" was found`);
  }

  /** Readings of the process `pid`, e.g. a baseline program or the benchmark itself. */
  static of(pid: number): BotResources {
    return new BotResources(pid);
  }

  /** Resident set size now, in MiB. */
  residentMb(): number {
    return this.#statusKb("VmRSS") / 1024;
  }

  /** The largest resident set size so far, in MiB. */
  peakResidentMb(): number {
    return this.#statusKb("VmHWM") / 1024;
  }

  /** User plus system CPU time of the process's children that have exited (its ffmpeg runs), in seconds. */
  childCpuSeconds(): number {
    const stat = Deno.readTextFileSync(`/proc/${this.pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const [cutime, cstime] = [Number(fields[13]), Number(fields[14])];
    return (cutime + cstime) / CLOCK_TICKS_PER_SECOND;
  }

  /** User plus system CPU time used so far, in seconds. */
  cpuSeconds(): number {
    const stat = Deno.readTextFileSync(`/proc/${this.pid}/stat`);
    // The command name may hold spaces and parentheses; fields are counted after its closing one.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const [utime, stime] = [Number(fields[11]), Number(fields[12])];
    return (utime + stime) / CLOCK_TICKS_PER_SECOND;
  }

  #statusKb(field: string): number {
    const status = Deno.readTextFileSync(`/proc/${this.pid}/status`);
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    if (!match) throw new Error(`/proc/${this.pid}/status has no ${field} line`);
    return Number(match[1]);
  }
}

async function botPid(dataDir: string): Promise<number | undefined> {
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const args = await commandLine(entry.name);
    const isBot = args[0]?.endsWith("deno") && args[1] === "run" && args.at(-1) === "main.ts";
    if (isBot && args.some((arg) => arg.includes(dataDir))) return Number(entry.name);
  }
  return undefined;
}

async function commandLine(pid: string): Promise<string[]> {
  try {
    return (await Deno.readTextFile(`/proc/${pid}/cmdline`)).split("\0").filter((arg) => arg !== "");
  } catch {
    return []; // The process ended while the list was read.
  }
}

async function clockTicks(): Promise<number> {
  try {
    const { stdout } = await new Deno.Command("getconf", { args: ["CLK_TCK"] }).output();
    return Number(new TextDecoder().decode(stdout).trim()) || 100;
  } catch {
    return 100; // Linux's value on every common architecture.
  }
}
