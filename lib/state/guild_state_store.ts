/**
 * Each guild's music state in Deno KV, one key per part, so saving the position every few seconds does not
 * rewrite the queue. Layout for guild G:
 *
 * - `["guild", G, "queue"]` `{ version, chunks, bytes }`, then `["guild", G, "queue", i]`: the gzipped JSON of
 *   the FairQueueSnapshot cut into slices of at most 64 000 bytes (KV values stop at 64 KiB), all set in one
 *   atomic commit. They then share one versionstamp, which is how a reader knows it has one whole save.
 * - `["guild", G, "playback"]`, `["guild", G, "settings"]`: one `{ version, ... }` record each.
 * - `["guild", G, "history"]` `{ version, next }`, then `["guild", G, "history", slot]`: a ring of 200 slots.
 *   Play n goes into slot n % 200 with `seq: n`, so an append is one small write that replaces the oldest
 *   play; nothing needs trimming, and newest-first is a sort by `seq`.
 * - `["guild_ids", G]`: set with every save, so listing guilds does not read their queues.
 *
 * Reading never throws for bad data: an unreadable part is logged once and left out.
 */
import { FairQueue } from "../queue/fair_queue.ts";
import type { FairQueueSnapshot } from "../queue/queue_snapshot.ts";
import {
  DEFAULT_SETTINGS,
  type GuildSettings,
  type GuildState,
  HISTORY_LIMIT,
  type HistoryEntry,
  parseChunkManifest,
  parseHistoryHead,
  parseHistoryRecord,
  parsePlayback,
  parseSettings,
  type Playback,
  STATE_VERSION,
} from "./guild_state.ts";

const CHUNK_BYTES = 64_000;
/** One atomic commit may carry at most 800 KiB, which bounds a queue's slices. */
const MAX_CHUNKS = 12;
/** Deno KV's limit on keys per `getMany`. */
const GET_MANY_LIMIT = 10;
/** Deno KV's limit on mutations per atomic commit. */
const MUTATION_LIMIT = 1000;
const APPEND_ATTEMPTS = 10;

const queueKey = (guildId: string): Deno.KvKey => ["guild", guildId, "queue"];
const playbackKey = (guildId: string): Deno.KvKey => ["guild", guildId, "playback"];
const settingsKey = (guildId: string): Deno.KvKey => ["guild", guildId, "settings"];
const historyKey = (guildId: string): Deno.KvKey => ["guild", guildId, "history"];
const indexKey = (guildId: string): Deno.KvKey => ["guild_ids", guildId];

type HistoryRecord = ReturnType<typeof parseHistoryRecord>;

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
    const bytes = await gzip(new TextEncoder().encode(JSON.stringify(snapshot)));
    const chunks = Math.ceil(bytes.length / CHUNK_BYTES);
    if (chunks > MAX_CHUNKS) {
      throw new Error(`Guild ${guildId}: the queue is too large to save (${bytes.length} bytes compressed).`);
    }
    const op = this.#kv.atomic().set(queueKey(guildId), {
      version: STATE_VERSION,
      chunks,
      bytes: bytes.length,
    });
    // Slices a longer earlier save left behind go in the same commit.
    for (let i = 0; i < MAX_CHUNKS; i++) {
      const key = [...queueKey(guildId), i];
      if (i < chunks) op.set(key, bytes.slice(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
      else op.delete(key);
    }
    await this.#commit(guildId, op);
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
    for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
      const head = await this.#kv.get(historyKey(guildId));
      const seq = await this.#nextSeq(guildId, head.value);
      const record = checked({ seq, ...entry }, parseHistoryRecord);
      const op = this.#kv.atomic()
        .check(head)
        .set([...historyKey(guildId), seq % HISTORY_LIMIT], record)
        .set(historyKey(guildId), { version: STATE_VERSION, next: seq + 1 });
      if ((await this.#commit(guildId, op)).ok) return;
    }
    throw new Error(`Guild ${guildId}: could not append to the history; it kept changing underneath.`);
  }

  /** The last `limit` plays, newest first. */
  async history(guildId: string, limit: number = HISTORY_LIMIT): Promise<HistoryEntry[]> {
    const records = await this.#historyRecords(guildId);
    return records.sort((a, b) => b.seq - a.seq).slice(0, Math.max(0, limit)).map((record) => record.entry);
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
      this.#log(`Guild ${guildId}: skipped the saved value at ${JSON.stringify(key)}: ${messageOf(error)}`);
      return undefined;
    }
  }

  #readRecord<T>(guildId: string, key: Deno.KvKey, parse: (value: unknown) => T): Promise<T | undefined> {
    return this.#readPart(guildId, key, async () => {
      const { value } = await this.#kv.get(key);
      return value === null ? undefined : parse(value);
    });
  }

  async #readQueue(guildId: string): Promise<FairQueueSnapshot | undefined> {
    let problem = "";
    // A second try covers a save that landed between reading the manifest and its slices.
    for (let attempt = 0; attempt < 2; attempt++) {
      const manifest = await this.#kv.get(queueKey(guildId));
      if (manifest.value === null) return undefined;
      const { chunks, bytes } = parseChunkManifest(manifest.value, "queue");
      const slices = await this.#getMany(Array.from({ length: chunks }, (_, i) => [...queueKey(guildId), i]));
      problem = slices.map((slice) => sliceProblem(slice, manifest.versionstamp)).find(Boolean) ?? "";
      if (!problem) return await decodeQueue(slices.map((slice) => slice.value as Uint8Array), bytes);
    }
    throw new Error(problem);
  }

  async #getMany(keys: Deno.KvKey[]): Promise<Deno.KvEntryMaybe<unknown>[]> {
    const entries: Deno.KvEntryMaybe<unknown>[] = [];
    for (let i = 0; i < keys.length; i += GET_MANY_LIMIT) {
      entries.push(...await this.#kv.getMany(keys.slice(i, i + GET_MANY_LIMIT)));
    }
    return entries;
  }

  async #historyRecords(guildId: string): Promise<HistoryRecord[]> {
    const records: HistoryRecord[] = [];
    for await (const { key, value } of this.#kv.list({ prefix: historyKey(guildId) })) {
      const record = await this.#readPart(guildId, key, () => Promise.resolve(parseHistoryRecord(value)));
      if (record) records.push(record);
    }
    return records;
  }

  /** The head's next number; a missing or damaged head is rebuilt from the slots so no play is misordered. */
  async #nextSeq(guildId: string, head: unknown): Promise<number> {
    if (head === null) return 0;
    const next = await this.#readPart(
      guildId,
      historyKey(guildId),
      () => Promise.resolve(parseHistoryHead(head)),
    );
    if (next !== undefined) return next;
    const records = await this.#historyRecords(guildId);
    return records.reduce((max, record) => Math.max(max, record.seq + 1), 0);
  }
}

/** `value` as stored, checked now so a bug fails the save rather than the next restart's load. */
function checked<T extends object>(value: T, parse: (stored: unknown) => unknown): Record<string, unknown> {
  const stored = { ...value, version: STATE_VERSION };
  parse(stored);
  return stored;
}

function sliceProblem(slice: Deno.KvEntryMaybe<unknown>, versionstamp: string): string | undefined {
  const key = JSON.stringify(slice.key);
  if (slice.value === null) return `slice ${key} is missing`;
  if (!(slice.value instanceof Uint8Array)) return `slice ${key} is not bytes`;
  if (slice.versionstamp !== versionstamp) return `slice ${key} was not written with the rest of the queue`;
  return undefined;
}

async function decodeQueue(slices: Uint8Array[], bytes: number): Promise<FairQueueSnapshot> {
  const joined = new Uint8Array(slices.reduce((sum, slice) => sum + slice.length, 0));
  let offset = 0;
  for (const slice of slices) {
    joined.set(slice, offset);
    offset += slice.length;
  }
  if (joined.length !== bytes) {
    throw new Error(`the queue's slices hold ${joined.length} bytes, not ${bytes}`);
  }
  const json = new TextDecoder().decode(await gunzip(joined));
  return FairQueue.fromSnapshot(JSON.parse(json)).snapshot();
}

async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  return await pipe(bytes, new CompressionStream("gzip"));
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  return await pipe(bytes, new DecompressionStream("gzip"));
}

async function pipe(
  bytes: Uint8Array,
  transform: CompressionStream | DecompressionStream,
): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
