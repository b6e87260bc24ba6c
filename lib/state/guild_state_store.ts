/**
 * Each guild's music state in Deno KV, one key per part, so saving the position every few seconds does not
 * rewrite the queue. Layout for guild G:
 *
 * - `["guild", G, "queue"]` `{ version, chunks, bytes }`, then `["guild", G, "queue", i]`: the gzipped JSON of
 *   the FairQueueSnapshot cut into slices of at most 64 000 bytes (KV values stop at 64 KiB), all set in one
 *   atomic commit. They then share one versionstamp, which is how a reader knows it has one whole save
 *   (chunked_value.ts).
 * - `["guild", G, "playback"]`, `["guild", G, "settings"]`: one `{ version, ... }` record each.
 * - `["guild", G, "history"]` `{ version, next }`, then `["guild", G, "history", slot]`: a ring of 200 slots.
 *   Play n goes into slot n % 200 with `seq: n`, so an append is one small write that replaces the oldest
 *   play; nothing needs trimming, and newest-first is a sort by `seq` (history_ring.ts).
 * - `["guild_ids", G]`: set with every save, so listing guilds does not read their queues.
 *
 * Reading never throws for bad data: an unreadable part is logged once and left out.
 */
import { FairQueue } from "../queue/fair_queue.ts";
import type { FairQueueSnapshot } from "../queue/queue_snapshot.ts";
import { getChunked, MAX_CHUNKED_BYTES, packChunked, setChunked } from "./chunked_value.ts";
import {
  DEFAULT_SETTINGS,
  type GuildSettings,
  type GuildState,
  HISTORY_LIMIT,
  type HistoryEntry,
  parsePlayback,
  parseSettings,
  type Playback,
  STATE_VERSION,
} from "./guild_state.ts";
import { HistoryRing } from "./history_ring.ts";

/**
 * Deno KV refuses a value over 64 KiB; a record (playback, settings, one play in the history) is refused
 * before that, with a sentence, so the other parts of a save still go through.
 */
export const MAX_RECORD_BYTES = 60_000;
/** Deno KV's limit on mutations per atomic commit. */
const MUTATION_LIMIT = 1000;

const queueKey = (guildId: string): Deno.KvKey => ["guild", guildId, "queue"];
const playbackKey = (guildId: string): Deno.KvKey => ["guild", guildId, "playback"];
const settingsKey = (guildId: string): Deno.KvKey => ["guild", guildId, "settings"];
const historyKey = (guildId: string): Deno.KvKey => ["guild", guildId, "history"];
const indexKey = (guildId: string): Deno.KvKey => ["guild_ids", guildId];

/** Saves and loads guilds' queues, playback, settings and history. */
export class GuildStateStore {
  readonly #kv: Deno.Kv;
  readonly #log: (line: string) => void;

  /** A store over `kv`; unreadable saved values are reported to `log`. */
  constructor(kv: Deno.Kv, log: (line: string) => void = (line) => console.warn(line)) {
    this.#kv = kv;
    this.#log = log;
  }

  /** Replaces the saved queue; throws if even compressed it is over the 768 000 bytes one commit can hold. */
  async saveQueue(guildId: string, snapshot: FairQueueSnapshot): Promise<void> {
    const packed = await packChunked(snapshot);
    if (packed.length > MAX_CHUNKED_BYTES) {
      throw new Error(
        `Guild ${guildId}: the queue is too large to save (${packed.length} bytes compressed).`,
      );
    }
    await this.#commit(guildId, setChunked(this.#kv.atomic(), queueKey(guildId), packed));
  }

  /** Saves what is playing and where, or that nothing is (`null`). */
  async savePlayback(guildId: string, playback: Playback | null): Promise<void> {
    const op = this.#kv.atomic();
    if (playback === null) op.delete(playbackKey(guildId));
    else op.set(playbackKey(guildId), checked(playback, parsePlayback));
    await this.#commit(guildId, op);
  }

  /** Saves the guild's settings. */
  async saveSettings(guildId: string, settings: GuildSettings): Promise<void> {
    await this.#commit(
      guildId,
      this.#kv.atomic().set(settingsKey(guildId), checked(settings, parseSettings)),
    );
  }

  /** Records one play; the oldest falls out once there are 200. */
  async appendHistory(guildId: string, entry: HistoryEntry): Promise<void> {
    assertFits(entry, "history entry");
    if (await this.#history(guildId).append(entry, (op) => this.#commit(guildId, op))) return;
    throw new Error(`Guild ${guildId}: could not append to the history; it kept changing underneath.`);
  }

  /** The last `limit` plays, newest first. */
  history(guildId: string, limit: number = HISTORY_LIMIT): Promise<HistoryEntry[]> {
    return this.#history(guildId).newest(limit);
  }

  /** Everything saved for a guild; unreadable parts are logged and left out, settings fall back to defaults. */
  async load(guildId: string): Promise<GuildState> {
    const [queue, playback, settings] = await Promise.all([
      this.#readPart(guildId, queueKey(guildId), () => this.#readQueue(guildId)),
      this.#readRecord(guildId, playbackKey(guildId), parsePlayback),
      this.#readRecord(guildId, settingsKey(guildId), parseSettings),
    ]);
    const state: GuildState = { settings: settings ?? { ...DEFAULT_SETTINGS } };
    if (queue) state.queue = queue;
    if (playback) state.playback = playback;
    return state;
  }

  /** The guilds that have anything saved. */
  async guildIds(): Promise<string[]> {
    const ids: string[] = [];
    for await (const { key } of this.#kv.list({ prefix: ["guild_ids"] })) {
      if (typeof key[1] === "string") ids.push(key[1]);
    }
    return ids;
  }

  /** Forgets everything saved for a guild. */
  async clear(guildId: string): Promise<void> {
    const keys: Deno.KvKey[] = [indexKey(guildId)];
    for await (const { key } of this.#kv.list({ prefix: ["guild", guildId] })) keys.push(key);
    for (let i = 0; i < keys.length; i += MUTATION_LIMIT) {
      const op = this.#kv.atomic();
      for (const key of keys.slice(i, i + MUTATION_LIMIT)) op.delete(key);
      await op.commit();
    }
  }

  /** Commits `op` together with the mark that this guild has saved state. */
  #commit(guildId: string, op: Deno.AtomicOperation): Promise<Deno.KvCommitResult | Deno.KvCommitError> {
    return op.set(indexKey(guildId), true).commit();
  }

  async #readPart<T>(
    guildId: string,
    key: Deno.KvKey,
    read: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      this.#skip(guildId, key, error);
      return undefined;
    }
  }

  #skip(guildId: string, key: Deno.KvKey, error: unknown): void {
    this.#log(`Guild ${guildId}: skipped the saved value at ${JSON.stringify(key)}: ${messageOf(error)}`);
  }

  #history(guildId: string): HistoryRing {
    return new HistoryRing(this.#kv, historyKey(guildId), (key, error) => this.#skip(guildId, key, error));
  }

  #readRecord<T>(guildId: string, key: Deno.KvKey, parse: (value: unknown) => T): Promise<T | undefined> {
    return this.#readPart(guildId, key, async () => {
      const { value } = await this.#kv.get(key);
      return value === null ? undefined : parse(value);
    });
  }

  async #readQueue(guildId: string): Promise<FairQueueSnapshot | undefined> {
    const value = await getChunked(this.#kv, queueKey(guildId), "queue");
    return value === undefined ? undefined : FairQueue.fromSnapshot(value).snapshot();
  }
}

/** `value` as stored, checked now so a bug fails the save rather than the next restart's load. */
function checked<T extends object>(value: T, parse: (stored: unknown) => unknown): Record<string, unknown> {
  const stored = { ...value, version: STATE_VERSION };
  parse(stored);
  assertFits(stored, "record");
  return stored;
}

/** Throws when `value` would not fit in one KV value (measured as UTF-8 JSON, which is never smaller). */
function assertFits(value: unknown, what: string): void {
  const bytes = new TextEncoder().encode(JSON.stringify(value)).length;
  if (bytes > MAX_RECORD_BYTES) {
    throw new Error(`The ${what} is too large to save (${bytes} bytes; at most ${MAX_RECORD_BYTES}).`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
