/**
 * One guild's plays in Deno KV as a ring of 200 slots: the key K holds the head `{ version, next }`, and
 * `[...K, slot]` one play each. Play n goes into slot n % 200 with `seq: n`, so an append is one small write
 * that replaces the oldest play; nothing needs trimming, and newest-first is a sort by `seq`.
 */
import {
  HISTORY_LIMIT,
  type HistoryEntry,
  parseHistoryHead,
  parseHistoryRecord,
  STATE_VERSION,
} from "./guild_state.ts";

type HistoryRecord = ReturnType<typeof parseHistoryRecord>;

/** Commits an atomic operation, adding whatever else the caller writes with every save. */
type Commit = (op: Deno.AtomicOperation) => Promise<Deno.KvCommitResult | Deno.KvCommitError>;

const APPEND_ATTEMPTS = 10;

/** Appends to and lists the ring at one key. */
export class HistoryRing {
  readonly #kv: Deno.Kv;
  readonly #key: Deno.KvKey;
  readonly #skip: (key: Deno.KvKey, error: unknown) => void;

  /** The ring at `key`; a slot or head that cannot be read is reported to `skip` and left out. */
  constructor(kv: Deno.Kv, key: Deno.KvKey, skip: (key: Deno.KvKey, error: unknown) => void) {
    this.#kv = kv;
    this.#key = key;
    this.#skip = skip;
  }

  /** Writes `entry` as the newest play through `commit`; false if other appends kept moving the head. */
  async append(entry: HistoryEntry, commit: Commit): Promise<boolean> {
    for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
      const head = await this.#kv.get(this.#key);
      const seq = await this.#nextSeq(head.value);
      // Checked now so a bug fails the append rather than the next restart's load.
      const record = { seq, ...entry, version: STATE_VERSION };
      parseHistoryRecord(record);
      const op = this.#kv.atomic()
        .check(head)
        .set([...this.#key, seq % HISTORY_LIMIT], record)
        .set(this.#key, { version: STATE_VERSION, next: seq + 1 });
      if ((await commit(op)).ok) return true;
    }
    return false;
  }

  /** The last `limit` plays, newest first. */
  async newest(limit: number): Promise<HistoryEntry[]> {
    const records = await this.#records();
    return records.sort((a, b) => b.seq - a.seq).slice(0, Math.max(0, limit)).map((record) => record.entry);
  }

  async #records(): Promise<HistoryRecord[]> {
    const records: HistoryRecord[] = [];
    for await (const { key, value } of this.#kv.list({ prefix: this.#key })) {
      const record = this.#read(key, () => parseHistoryRecord(value));
      if (record) records.push(record);
    }
    return records;
  }

  /** The head's next number; a missing or damaged head is rebuilt from the slots so no play is misordered. */
  async #nextSeq(head: unknown): Promise<number> {
    if (head === null) return 0;
    const next = this.#read(this.#key, () => parseHistoryHead(head));
    if (next !== undefined) return next;
    const records = await this.#records();
    return records.reduce((max, record) => Math.max(max, record.seq + 1), 0);
  }

  #read<T>(key: Deno.KvKey, parse: () => T): T | undefined {
    try {
      return parse();
    } catch (error) {
      this.#skip(key, error);
      return undefined;
    }
  }
}
