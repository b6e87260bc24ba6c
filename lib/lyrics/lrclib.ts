/**
 * LRCLIB (lrclib.net), a free lyrics database with no key: first `/api/get` with the track's title, artist,
 * album and duration (an exact match), then `/api/search?q=` when that finds nothing. Answers are outside
 * text: the body is size-bounded and each record is checked and cut to the bounds of lyrics.ts.
 */
import { boundedText } from "../sources/bounded_body.ts";
import { UserError } from "../user_error.ts";
import { boundedPlain, type Lyrics } from "./lyrics.ts";
import { parseLrc } from "./lrc.ts";
import { type LyricsQuery, searchWords } from "./lyrics_query.ts";

/** How a client is set up; `fetch` is injectable for tests. */
export interface LrclibOptions {
  /** LRCLIB_URL, without a trailing slash. */
  baseUrl: string;
  /** Per request: LRCLIB is asked at most twice per song. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Finds lyrics; rejects with a UserError when LRCLIB is down or too slow. */
export type LyricsSource = (query: LyricsQuery) => Promise<Lyrics>;

const MAX_BODY_BYTES = 1024 * 1024;
/** Search results looked at: the best matches come first. */
const MAX_RESULTS = 20;
/** A search result this far off the track's length is another recording. */
const DURATION_TOLERANCE_SECONDS = 3;
/** LRCLIB asks clients to say who they are. */
const USER_AGENT = "Trazom Discord music bot";

/** Thrown inside when LRCLIB cannot be asked; turned into the polite reply at the edge. */
class LrclibDown extends Error {}

/** A lyrics source asking LRCLIB at `baseUrl`. */
export function createLrclib(options: LrclibOptions): LyricsSource {
  const fetchFn = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 4_000;

  /** The JSON at `path`, or null for a 404. */
  const get = async (path: string, params: Record<string, string | undefined>): Promise<unknown> => {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, value);
    let response: Response;
    try {
      response = await fetchFn(`${options.baseUrl}${path}?${query}`, {
        headers: { "user-agent": USER_AGENT, accept: "application/json" },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new LrclibDown(error instanceof Error ? error.name : "no answer");
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new LrclibDown(`HTTP ${response.status}`);
    }
    try {
      return JSON.parse(await boundedText(response, MAX_BODY_BYTES, "LRCLIB's answer"));
    } catch (error) {
      throw new LrclibDown(error instanceof Error ? error.message : "unreadable answer");
    }
  };

  return async (query) => {
    try {
      if (query.artist !== undefined) {
        const exact = recordLyrics(
          await get("/api/get", {
            track_name: query.title,
            artist_name: query.artist,
            album_name: query.album,
            duration: query.durationSeconds?.toString(),
          }),
        );
        if (exact && exact.kind !== "not-found") return exact;
      }
      const found = await get("/api/search", { q: searchWords(query) });
      return bestOf(Array.isArray(found) ? found.slice(0, MAX_RESULTS) : [], query.durationSeconds);
    } catch (error) {
      if (!(error instanceof LrclibDown)) throw error;
      console.warn(`LRCLIB could not be asked: ${error.message}.`);
      throw new UserError(
        "The lyrics service isn't answering right now; please try /lyrics again in a little while.",
      );
    }
  };
}

/** The best search result: of the right length if any is, synced before plain, else the first with words. */
export function bestOf(records: readonly unknown[], durationSeconds?: number): Lyrics {
  const fitting = records.filter((record) => {
    const duration = isRecord(record) ? record.duration : undefined;
    return durationSeconds === undefined || typeof duration !== "number" ||
      Math.abs(duration - durationSeconds) <= DURATION_TOLERANCE_SECONDS;
  });
  const lyrics = fitting.map(recordLyrics).filter((found): found is Lyrics => found !== undefined);
  return lyrics.find((found) => found.kind === "synced") ?? lyrics.find((found) => found.kind === "plain") ??
    lyrics.find((found) => found.kind === "instrumental") ?? { kind: "not-found" };
}

/** One LRCLIB record's lyrics; undefined when it is not a record. */
export function recordLyrics(record: unknown): Lyrics | undefined {
  if (!isRecord(record)) return undefined;
  if (typeof record.syncedLyrics === "string") {
    const lines = parseLrc(record.syncedLyrics);
    if (lines.some((line) => line.text !== "")) return { kind: "synced", lines };
  }
  if (typeof record.plainLyrics === "string" && record.plainLyrics.trim() !== "") {
    return { kind: "plain", text: boundedPlain(record.plainLyrics) };
  }
  return record.instrumental === true ? { kind: "instrumental" } : { kind: "not-found" };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
