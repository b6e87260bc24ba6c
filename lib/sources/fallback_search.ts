/**
 * A search that asks a fast source first and a sure one when it fails: the in-process YouTube search for
 * speed, yt-dlp for certainty. After a failure the fast source rests for a while, so a YouTube change that
 * breaks it costs one slow answer and one log line, not a slow answer and a log line for every keystroke.
 */
import { type Clock, systemClock } from "../clock.ts";
import type { TrackInfo } from "../track.ts";

/** Up to `count` videos for `text`, best first. */
export type Searcher = (text: string, count: number, signal: AbortSignal) => Promise<TrackInfo[]>;

/** The two sources and how long the fast one rests after it failed. */
export interface FallbackSearchOptions {
  fast: Searcher;
  sure: Searcher;
  clock?: Clock;
  restMs?: number;
  log?: (line: string) => void;
}

/** Whether the fast source is being asked. */
type FastSourceState =
  | { status: "trusted" }
  /** It failed; the sure source answers alone until `until`. */
  | { status: "resting"; until: number };

/** The fast source while it works, the sure source otherwise. */
export class FallbackSearch {
  readonly #options: Required<FallbackSearchOptions>;
  #state: FastSourceState = { status: "trusted" };

  constructor(options: FallbackSearchOptions) {
    this.#options = {
      clock: systemClock,
      restMs: 10 * 60_000,
      log: (line) => console.warn(line),
      ...options,
    };
  }

  /** Whether the next search asks the fast source first. */
  get trustsFastSource(): boolean {
    return this.#state.status === "trusted" ||
      this.#options.clock.now() >= this.#state.until;
  }

  /**
   * Up to `count` videos for `text`. `sureOnEmpty: false` takes an empty answer of a working fast source as
   * it is (suggestions while typing: a yt-dlp run per keystroke that finds nothing is not worth its cost).
   */
  async search(
    text: string,
    count: number,
    signal: AbortSignal,
    options: { sureOnEmpty?: boolean } = {},
  ): Promise<TrackInfo[]> {
    if (this.trustsFastSource) {
      try {
        const found = await this.#options.fast(text, count, signal);
        this.#setState({ status: "trusted" });
        if (found.length > 0 || options.sureOnEmpty === false) return found;
        // Nothing read: there may be nothing, or a page the fast source could not read. The sure one says.
      } catch (error) {
        if (signal.aborted) throw error;
        this.#setState({ status: "resting", until: this.#options.clock.now() + this.#options.restMs }, error);
      }
    }
    return await this.#options.sure(text, count, signal);
  }

  /** The one place the state changes; each rest is logged once, with its reason. */
  #setState(next: FastSourceState, reason?: unknown): void {
    if (next.status === "resting" && this.trustsFastSource) {
      const minutes = Math.round(this.#options.restMs / 60_000);
      this.#options.log(
        `In-process YouTube search failed (${describe(reason)}); yt-dlp searches instead for ${minutes} min.`,
      );
    }
    this.#state = next;
  }
}

function describe(reason: unknown): string {
  const message = reason instanceof Error ? reason.message : String(reason);
  return message.replace(/\s+/g, " ").slice(0, 200);
}
