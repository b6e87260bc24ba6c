/**
 * Renders made ahead of a hand-over: when a track's file is finished while guilds play with volume or
 * filters, it is rendered from its start with the effects in use lately, so the render asked for when it
 * comes to play is already on disk and the next track follows the last with no wait for ffmpeg (60-100 ms
 * between tracks otherwise, against one frame without effects). The render asked for adopts the one made
 * ahead: its file is linked to the path asked for, and its job answers for it.
 *
 * Bounded: a few at a time, each kept for a while only; one nobody adopts is stopped and its file removed.
 * Their files are temporary files of the cache folder (counted against its limit, swept at start).
 */
import { join } from "node:path";
import type { AudioEffects } from "../audio_effects.ts";
import { filtersKey } from "./filter_graph.ts";
import type { PreparedInput } from "./ogg_feed.ts";
import type { RenderJob, RenderOrder } from "./render_job.ts";

/** Renders ahead at once; each a song's worth of disk (a few MB). */
const MAX_AHEAD = 4;
/** One not adopted by then is not going to be. */
const KEEP_MS = 15 * 60_000;
/** Effect settings rendered ahead for each finished file: the few in use lately. */
const RECENT_EFFECTS = 2;
const RECENT_MS = 15 * 60_000;
/**
 * Files finished last, rendered ahead with effects that come into use: the tracks a guild prefetched before
 * its filters changed (TRAZOM_PREFETCH is 2 by default), which are about to play.
 */
const RECENT_FILES = 2;

/** One render made ahead. */
interface Ahead {
  job: RenderJob;
  path: string;
  expiry?: ReturnType<typeof setTimeout>;
}

/** Starts a render of `order`; how the transcoder makes any render. */
export type StartRender = (order: RenderOrder) => RenderJob;

/** The renders made ahead, by input and effects. */
export class PreRenders {
  readonly #ahead = new Map<string, Ahead>();
  readonly #recent = new Map<string, { effects: AudioEffects; usedAt: number }>();
  readonly #finished: PreparedInput[] = [];

  constructor(private readonly workDir: string, private readonly start: StartRender) {}

  /**
   * A render of `playing` was asked for with `effects`: finished files are rendered ahead with them for a
   * while, and the other files finished last (the tracks a guild has lined up) at once if they are new.
   */
  used(effects: AudioEffects, playing: PreparedInput): void {
    const key = effectsKey(effects);
    const known = this.#recent.delete(key);
    this.#recent.set(key, { effects, usedAt: Date.now() });
    if (this.#recent.size > RECENT_EFFECTS) this.#recent.delete(this.#recent.keys().next().value!);
    if (known) return;
    const now = fileOf(playing);
    for (const input of this.#finished) if (fileOf(input) !== now) this.#start(input, effects);
  }

  /** A file was finished: renders it from its start with each of the effects in use lately. */
  renderAhead(input: PreparedInput): void {
    this.#finished.push(input);
    if (this.#finished.length > RECENT_FILES) this.#finished.shift();
    for (const [key, { effects, usedAt }] of [...this.#recent]) {
      if (Date.now() - usedAt > RECENT_MS) this.#recent.delete(key);
      else this.#start(input, effects);
    }
  }

  /**
   * The render made ahead for `order`, now also at `order.outputPath`, if one has begun writing; undefined
   * when the order is not from the start or none matches (one that has not begun is dropped: the render
   * asked for starts now anyway).
   */
  adopt(order: RenderOrder): RenderJob | undefined {
    if (order.startSeconds !== 0) return undefined;
    const key = keyOf(order, order.effects);
    const ahead = this.#ahead.get(key);
    if (!ahead) return undefined;
    try {
      // The same file under the asked-for name (one disk: both are in the cache folder); ffmpeg writes on.
      Deno.linkSync(ahead.path, order.outputPath);
    } catch {
      this.#drop(key, ahead);
      return undefined;
    }
    this.#ahead.delete(key);
    clearTimeout(ahead.expiry);
    // Its own name goes once it is done: until then its first audio is looked for there.
    ahead.job.finished.catch(() => {}).finally(() => Deno.remove(ahead.path).catch(() => {}));
    return ahead.job;
  }

  /** Renders made ahead and not yet adopted. */
  get size(): number {
    return this.#ahead.size;
  }

  /** Stops every render made ahead and removes its file. */
  close(): void {
    for (const key of [...this.#ahead.keys()]) this.#drop(key);
  }

  #start(input: PreparedInput, effects: AudioEffects): void {
    const key = keyOf(input, effects);
    if (this.#ahead.has(key)) return;
    while (this.#ahead.size >= MAX_AHEAD) this.#drop(this.#ahead.keys().next().value!);
    const path = join(this.workDir, `.partial-render-ahead-${crypto.randomUUID()}.ogg`);
    const job = this.start({ ...input, startSeconds: 0, effects, outputPath: path });
    const ahead: Ahead = { job, path };
    const expiry = setTimeout(() => this.#drop(key, ahead), KEEP_MS);
    Deno.unrefTimer(expiry);
    ahead.expiry = expiry;
    this.#ahead.set(key, ahead);
    job.streaming.catch(() => this.#drop(key, ahead));
  }

  #drop(key: string, only?: Ahead): void {
    const ahead = this.#ahead.get(key);
    if (!ahead || (only && ahead !== only)) return;
    this.#ahead.delete(key);
    clearTimeout(ahead.expiry);
    ahead.job.cancel();
    Deno.remove(ahead.path).catch(() => {});
  }
}

function effectsKey(effects: AudioEffects): string {
  return `${effects.volume}\n${filtersKey(effects.filters)}`;
}

/** Where a file ends up, whether it is still being written or not. */
function fileOf(input: PreparedInput): string {
  return input.movedTo ?? input.inputPath;
}

/** Renders of the same file (wherever it is now) with the same effects are the same render. */
function keyOf(input: PreparedInput, effects: AudioEffects): string {
  return `${fileOf(input)}\n${effectsKey(effects)}`;
}
