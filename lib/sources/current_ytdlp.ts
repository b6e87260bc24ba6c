/**
 * Which yt-dlp the bot runs, and why: YTDLP_PATH when set; else a new-enough `yt-dlp` on PATH; else the
 * bot's own (installed at the first start without one). `CurrentYtdlp` is that choice as one object with a
 * "change" event (also sent to the workers on a BroadcastChannel), so that anything keeping yt-dlp running
 * (a long-lived helper) can restart on an update. The daily update is `YtdlpUpdater`.
 */
import type { Installed, OwnYtdlp } from "./own_ytdlp.ts";
import { probeYtdlpVersion } from "./ytdlp_version.ts";

/** The yt-dlp in use: the command runs are started with, its version, why it was chosen. */
export interface YtdlpChoice {
  readonly path: string;
  readonly version?: string;
  readonly reason: string;
  /** Set when it is the bot's own installation. */
  readonly own?: Installed;
}

const CHANNEL = "trazom-ytdlp";

/** The yt-dlp in use; dispatches "change" when an update switched it. */
export class CurrentYtdlp extends EventTarget {
  #choice: YtdlpChoice;

  constructor(choice: YtdlpChoice) {
    super();
    this.#choice = choice;
  }

  get choice(): YtdlpChoice {
    return this.#choice;
  }

  get path(): string {
    return this.#choice.path;
  }

  /** "yt-dlp 2026.08.19 at "PATH" (why)", for the log and the doctor. */
  describe(): string {
    const version = this.#choice.version ? ` ${this.#choice.version}` : "";
    return `yt-dlp${version} at "${this.#choice.path}" (${this.#choice.reason})`;
  }

  /** Switches to `next`: runs started from now on use it. */
  change(next: YtdlpChoice): void {
    this.#choice = next;
    this.dispatchEvent(new Event("change"));
    const channel = new BroadcastChannel(CHANNEL);
    channel.postMessage(next);
    channel.close();
  }
}

/** Calls `listener` in any thread (a worker, say) whenever the main thread switched yt-dlp. */
export function onYtdlpChange(listener: (choice: YtdlpChoice) => void): () => void {
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event: MessageEvent<YtdlpChoice>) => listener(event.data);
  return () => channel.close();
}

/** What chooses: the setting, the PATH probe, the own installation. */
export interface ChooseOptions {
  /** YTDLP_PATH, when set. */
  readonly configured?: string;
  readonly own: OwnYtdlp;
  readonly log: (line: string) => void;
  /** What a bare `yt-dlp` is (tests point it elsewhere). */
  readonly onPath?: string;
}

/** Decides which yt-dlp to run, installing the bot's own when nothing new enough is there. */
export async function chooseYtdlp(options: ChooseOptions): Promise<YtdlpChoice> {
  if (options.configured) return { path: options.configured, reason: "set by YTDLP_PATH" };
  const command = options.onPath ?? "yt-dlp";
  const found = await probeYtdlpVersion(command);
  if (found.status === "current") {
    return { path: command, version: found.version, reason: "found on PATH, new enough for YouTube" };
  }
  const installed = await options.own.current();
  if (installed) return ownChoice(options.own, installed, `installed by the bot in ${options.own.dir}`);
  const why = found.status === "missing" ? "none on PATH" : `the one on PATH is ${found.version}, too old`;
  options.log(`No usable yt-dlp (${why}): the bot installs its own.`);
  try {
    const fresh = await options.own.install(undefined);
    await options.own.activate(fresh.slot);
    return ownChoice(options.own, fresh, `installed by the bot in ${options.own.dir}`);
  } catch (error) {
    options.log(`Installing yt-dlp failed (${error instanceof Error ? error.message : error}).`);
    return { path: command, reason: `${why}; the bot could not install its own` };
  }
}

function ownChoice(own: OwnYtdlp, installed: Installed, reason: string): YtdlpChoice {
  return { path: own.command, version: installed.version, reason, own: installed };
}

/** Whether release `a` is newer than `b` ("2026.08.19" against "2026.07.1.232300" and the like). */
export function isNewerRelease(a: string, b: string): boolean {
  const parts = (version: string) => version.split(".").map((part) => Number.parseInt(part, 10) || 0);
  const [left, right] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    if ((left[i] ?? 0) !== (right[i] ?? 0)) return (left[i] ?? 0) > (right[i] ?? 0);
  }
  return false;
}

/** Checks for a newer release at start and then daily; only the bot's own installation is updated. */
export class YtdlpUpdater {
  #timer: ReturnType<typeof setInterval> | undefined;
  #checking: Promise<void> | undefined;

  constructor(
    private readonly current: CurrentYtdlp,
    private readonly own: OwnYtdlp,
    private readonly log: (line: string) => void,
    private readonly everyMs = 24 * 60 * 60_000,
  ) {}

  start(): void {
    void this.check();
    this.#timer = setInterval(() => void this.check(), this.everyMs);
    Deno.unrefTimer(this.#timer);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** One check (never two at once): install a newer release beside the one in use, check it, switch. */
  check(): Promise<void> {
    this.#checking ??= this.#check().finally(() => this.#checking = undefined);
    return this.#checking;
  }

  async #check(): Promise<void> {
    const { own: inUse, version } = this.current.choice;
    if (!inUse || !version) return;
    const latest = await this.own.latestVersion(inUse.slot);
    if (latest === undefined) return this.log("Could not ask the package index for a newer yt-dlp.");
    if (!isNewerRelease(latest, version)) return this.log(`yt-dlp ${version} is the newest release.`);
    this.log(`yt-dlp ${latest} is out; installing it beside ${version}.`);
    try {
      const next = await this.own.install(inUse.slot, latest);
      await this.own.activate(next.slot);
      this.current.change(ownChoice(this.own, next, `installed by the bot in ${this.own.dir}`));
      this.log(`Switched to yt-dlp ${next.version}; runs already started finish with ${version}.`);
    } catch (error) {
      await this.own.discard(inUse.slot === "a" ? "b" : "a");
      const reason = error instanceof Error ? error.message : String(error);
      this.log(`yt-dlp ${latest} failed (${reason}); keeping ${version}.`);
    }
  }
}
