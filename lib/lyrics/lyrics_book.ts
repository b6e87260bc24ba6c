/** Where /lyrics gets a song's lyrics: the store first, LRCLIB otherwise (and the answer is then kept). */
import { sourceKey, type Track } from "../track.ts";
import type { LyricsSource } from "./lrclib.ts";
import type { Lyrics } from "./lyrics.ts";
import { lyricsQueryOf } from "./lyrics_query.ts";
import type { LyricsStore } from "./lyrics_store.ts";

/** Lyrics by track, each song asked for once. */
export class LyricsBook {
  /** Songs being looked up, so two presses at once make one request. */
  #pending = new Map<string, Promise<Lyrics>>();

  constructor(private readonly store: LyricsStore, private readonly source: LyricsSource) {}

  /** The lyrics of `track`; rejects with a UserError when LRCLIB is down or slow. */
  lyricsOf(track: Track): Promise<Lyrics> {
    const key = sourceKey(track.source);
    const pending = this.#pending.get(key);
    if (pending) return pending;
    const lookup = this.#lookUp(key, track).finally(() => this.#pending.delete(key));
    this.#pending.set(key, lookup);
    return lookup;
  }

  async #lookUp(key: string, track: Track): Promise<Lyrics> {
    const kept = await this.store.get(key).catch(() => undefined);
    if (kept) return kept;
    const found = await this.source(lyricsQueryOf(track));
    await this.store.set(key, found).catch((error) => console.error("Keeping lyrics:", error));
    return found;
  }
}
