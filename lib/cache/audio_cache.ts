/**
 * The normalized-audio cache: Ogg Opus files in one folder, an index in Deno KV, a soft size limit
 * enforced by evicting least-recently-used files that are not playing or about to play.
 *
 * Files in use are pinned, and pins are counted (two guilds may hold one file). A hit is pinned in the same
 * step that finds it (`acquire`), and a committed file comes back pinned, so no other guild's commit can
 * evict a file between the moment it is found and the moment it is held. Each pin ends with one `release`.
 */
import { join } from "node:path";
import { type CacheFiles, denoCacheFiles } from "./cache_files.ts";
import { CACHE_KEY_PATTERN } from "./cache_key.ts";

/** What the index knows about one cached file. */
export interface CacheEntry {
  key: string;
  sizeBytes: number;
  lastUsedAt: number;
  durationSeconds?: number;
  /** The source's integrated loudness before normalization, LUFS. */
  inputLoudness?: number;
}

export interface CacheStats {
  files: number;
  sizeBytes: number;
  limitBytes: number;
  hits: number;
  misses: number;
}

const FILE_SUFFIX = ".ogg";
const TEMP_PREFIX = ".partial-";

/** The cache folder and its index. Open it with `AudioCache.open`. */
export class AudioCache {
  #entries = new Map<string, CacheEntry>();
  /** Key → how many holders: pinned files are never evicted. */
  #pins = new Map<string, number>();
  #hits = 0;
  #misses = 0;

  private constructor(
    readonly dir: string,
    private readonly kv: Deno.Kv,
    readonly limitBytes: number,
    private readonly files: CacheFiles,
    private readonly now: () => number,
    private readonly log: (line: string) => void,
  ) {}

  /** Opens the cache, sweeping leftovers of interrupted writes and reconciling the index with the folder. */
  static async open(options: {
    dir: string;
    kv: Deno.Kv;
    limitBytes: number;
    files?: CacheFiles;
    now?: () => number;
    /** Where unreadable index entries are reported; console.warn by default. */
    log?: (line: string) => void;
  }): Promise<AudioCache> {
    const files = options.files ?? denoCacheFiles;
    const log = options.log ?? ((line: string) => console.warn(line));
    const cache = new AudioCache(
      options.dir,
      options.kv,
      options.limitBytes,
      files,
      options.now ?? Date.now,
      log,
    );
    await files.ensureDir(options.dir);
    await cache.#reconcile();
    return cache;
  }

  /** Where the file for `key` lives once complete. */
  pathOf(key: string): string {
    return join(this.dir, key + FILE_SUFFIX);
  }

  /** A fresh temporary path to write `key` to; `commit` moves it into place. */
  temporaryPathFor(key: string): string {
    return join(this.dir, `${TEMP_PREFIX}${key}-${crypto.randomUUID()}${FILE_SUFFIX}`);
  }

  /** Whether `key` is indexed, without using or pinning it (a hint: its file is checked only by `acquire`). */
  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /**
   * The entry for `key` if its file is there, marking it used and pinning it for the caller, who must
   * `release(key)` once done with the file; undefined (a miss, nothing pinned) otherwise.
   */
  async acquire(key: string): Promise<CacheEntry | undefined> {
    const entry = this.#entries.get(key);
    if (!entry) {
      this.#misses++;
      return undefined;
    }
    // Before any await: from here on no eviction can take the file.
    this.#pin(key);
    if ((await this.files.sizeOf(this.pathOf(key))) === undefined) {
      this.#unpin(key);
      if (this.#entries.get(key) === entry) await this.#forget(key);
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    return await this.#save({ ...(this.#entries.get(key) ?? entry), lastUsedAt: this.now() });
  }

  /**
   * Gives back one pin taken by `acquire` or `commit`. Once nothing holds the file it may be evicted: if
   * the cache is over its limit, eviction runs now; resolves with the keys evicted.
   */
  async release(key: string): Promise<string[]> {
    if (!this.#pins.has(key)) {
      this.log(`Cache: "${key}" was released but not held`);
      return [];
    }
    this.#unpin(key);
    return this.#pins.has(key) ? [] : await this.evict();
  }

  /** How many holders `key` has. */
  pinCount(key: string): number {
    return this.#pins.get(key) ?? 0;
  }

  /**
   * Moves a finished temporary file into place, indexes it pinned for the caller (who must `release` it),
   * and evicts unpinned files down to the limit. If the move fails the temporary file is removed, nothing is
   * pinned, and the error says what the operator can do.
   */
  async commit(
    key: string,
    temporaryPath: string,
    details: Pick<CacheEntry, "durationSeconds" | "inputLoudness">,
  ): Promise<CacheEntry> {
    const sizeBytes = await this.files.sizeOf(temporaryPath);
    if (sizeBytes === undefined) throw new Error(`The finished file ${temporaryPath} is missing`);
    try {
      await this.files.rename(temporaryPath, this.pathOf(key));
    } catch (error) {
      // Left behind, the file would hold on to the space that is likely what ran out.
      await this.files.remove(temporaryPath).catch(() => {});
      throw new Error(
        `The cache folder "${this.dir}" is full or not writable: free space or set ` +
          `TRAZOM_CACHE_DIR/TRAZOM_CACHE_LIMIT (${errorMessage(error)})`,
        { cause: error },
      );
    }
    this.#pin(key);
    const entry = await this.#save({ key, sizeBytes, lastUsedAt: this.now(), ...details });
    await this.evict();
    return entry;
  }

  /** Removes a temporary file after a failed write. */
  async discard(temporaryPath: string): Promise<void> {
    await this.files.remove(temporaryPath);
  }

  /**
   * Evicts least-recently-used files, never pinned ones (nor `alsoSpare`), until the total fits the limit.
   * Files still being written count too: a download in progress takes its room on the disk now.
   */
  async evict(alsoSpare: ReadonlySet<string> = new Set()): Promise<string[]> {
    const evicted: string[] = [];
    const partialBytes = await this.#partialBytes();
    const byAge = [...this.#entries.values()].sort((a, b) => a.lastUsedAt - b.lastUsedAt);
    for (const entry of byAge) {
      // Read afresh each time: lookups, commits and other evictions go on during the awaits below.
      if (this.stats().sizeBytes + partialBytes <= this.limitBytes) break;
      if (this.#entries.get(entry.key) !== entry || this.#pins.has(entry.key) || alsoSpare.has(entry.key)) {
        continue;
      }
      // Out of the index before the file goes, so an `acquire` from now on misses instead of pinning it.
      this.#entries.delete(entry.key);
      await this.files.remove(this.pathOf(entry.key));
      await this.kv.delete(["cache", entry.key]);
      evicted.push(entry.key);
    }
    return evicted;
  }

  stats(): CacheStats {
    let sizeBytes = 0;
    for (const entry of this.#entries.values()) sizeBytes += entry.sizeBytes;
    return {
      files: this.#entries.size,
      sizeBytes,
      limitBytes: this.limitBytes,
      hits: this.#hits,
      misses: this.#misses,
    };
  }

  /** The bytes of the files being written in the folder (downloads and encodings in progress). */
  async #partialBytes(): Promise<number> {
    let total = 0;
    for (const name of await this.files.list(this.dir).catch(() => [])) {
      if (name.startsWith(TEMP_PREFIX)) total += await this.files.sizeOf(join(this.dir, name)) ?? 0;
    }
    return total;
  }

  /** Removes temp files, drops index entries whose file is gone, adopts files of its own the index lacks. */
  async #reconcile(): Promise<void> {
    for await (const { key, value } of this.kv.list<CacheEntry>({ prefix: ["cache"] })) {
      if (isCacheEntry(value) && value.key === key[1]) {
        this.#entries.set(value.key, value);
      } else {
        // Skipped rather than fatal: the file, if still there, is adopted afresh below.
        this.log(`Cache index: dropping the unreadable entry for "${String(key[1])}"`);
        await this.kv.delete(key);
      }
    }
    const names = await this.files.list(this.dir);
    const present = new Set<string>();
    for (const name of names) {
      if (name.startsWith(TEMP_PREFIX)) await this.files.remove(join(this.dir, name));
      else if (name.endsWith(FILE_SUFFIX)) {
        const key = name.slice(0, -FILE_SUFFIX.length);
        // Only files the cache made: an operator's own *.ogg in the folder is never indexed, so never evicted.
        if (this.#entries.has(key) || CACHE_KEY_PATTERN.test(key)) present.add(await this.#adopt(key));
      }
    }
    for (const key of [...this.#entries.keys()]) if (!present.has(key)) await this.#forget(key);
  }

  /** A file the index lacks (say, the index was lost) is still good audio: index it as least recent. */
  async #adopt(key: string): Promise<string> {
    const sizeBytes = await this.files.sizeOf(this.pathOf(key)) ?? 0;
    const known = this.#entries.get(key);
    if (!known || known.sizeBytes !== sizeBytes) {
      await this.#save({ ...known, key, sizeBytes, lastUsedAt: 0 });
    }
    return key;
  }

  async #save(entry: CacheEntry): Promise<CacheEntry> {
    this.#entries.set(entry.key, entry);
    await this.kv.set(["cache", entry.key], entry);
    return entry;
  }

  #pin(key: string): void {
    this.#pins.set(key, this.pinCount(key) + 1);
  }

  #unpin(key: string): void {
    const count = this.pinCount(key) - 1;
    if (count > 0) this.#pins.set(key, count);
    else this.#pins.delete(key);
  }

  async #forget(key: string): Promise<void> {
    this.#entries.delete(key);
    await this.kv.delete(["cache", key]);
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isCacheEntry(value: unknown): value is CacheEntry {
  const entry = value as CacheEntry;
  return typeof entry?.key === "string" && typeof entry.sizeBytes === "number" &&
    typeof entry.lastUsedAt === "number";
}
