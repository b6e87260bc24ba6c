/**
 * Lyrics kept in Deno KV, one record per song under `["lyrics", source key]`, so a song's lyrics are asked
 * for once. Records expire (found lyrics after 30 days, "none found" after a day, since someone may add
 * them), so the store stays small without a sweep; a record too large for one KV value is not kept.
 */
import type { LyricLine, Lyrics } from "./lyrics.ts";
import { boundedLine, boundedPlain, MAX_LINES } from "./lyrics.ts";

const FOUND_TTL_MS = 30 * 24 * 60 * 60_000;
const NOT_FOUND_TTL_MS = 24 * 60 * 60_000;
/** Deno KV refuses values over 64 KiB. */
const MAX_RECORD_BYTES = 60_000;
const VERSION = 1;

const keyOf = (songKey: string): Deno.KvKey => ["lyrics", songKey];

/** Saved lyrics by song. */
export class LyricsStore {
  constructor(private readonly kv: Deno.Kv) {}

  /** The kept lyrics of a song; undefined when none are kept or the record is unreadable. */
  async get(songKey: string): Promise<Lyrics | undefined> {
    const { value } = await this.kv.get(keyOf(songKey));
    return value === null ? undefined : parseRecord(value);
  }

  /** Keeps `lyrics` for a while; a record too large for the store is simply not kept. */
  async set(songKey: string, lyrics: Lyrics): Promise<void> {
    const record = { version: VERSION, ...lyrics };
    if (new TextEncoder().encode(JSON.stringify(record)).length > MAX_RECORD_BYTES) return;
    const expireIn = lyrics.kind === "not-found" ? NOT_FOUND_TTL_MS : FOUND_TTL_MS;
    await this.kv.set(keyOf(songKey), record, { expireIn });
  }
}

/** A stored record checked field by field (it may be from another version, or damaged). */
function parseRecord(value: unknown): Lyrics | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (record.version !== VERSION) return undefined;
  switch (record.kind) {
    case "instrumental":
    case "not-found":
      return { kind: record.kind };
    case "plain":
      return typeof record.text === "string" ? { kind: "plain", text: boundedPlain(record.text) } : undefined;
    case "synced": {
      if (!Array.isArray(record.lines)) return undefined;
      const lines: LyricLine[] = record.lines.slice(0, MAX_LINES).flatMap((line) => {
        const { atSeconds, text } = (line ?? {}) as Record<string, unknown>;
        return typeof atSeconds === "number" && Number.isFinite(atSeconds) && typeof text === "string"
          ? [{ atSeconds, text: boundedLine(text) }]
          : [];
      });
      return lines.length > 0 ? { kind: "synced", lines } : undefined;
    }
  }
  return undefined;
}
