/**
 * Remembers recent autocomplete searches, so typing "never gonna", deleting a letter and typing it again
 * does not start a yt-dlp process per keystroke; identical searches already running share one result.
 */

/** Size, lifetime and clock of a {@linkcode SearchCache}. */
export interface SearchCacheOptions {
  /** Least recently used entries beyond this count are dropped. */
  maxEntries: number;
  /** How long a result stays fresh, in milliseconds. */
  ttlMs: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/** The cache key of a search: case and spacing do not change what YouTube finds. */
export function searchKey(text: string): string {
  return text.trim().replace(/\s+/g, " ").toLowerCase();
}

/** An LRU cache with expiry and in-flight de-duplication; failures are not cached. */
export class SearchCache<T> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #inFlight = new Map<string, Promise<T>>();
  readonly #options: Required<SearchCacheOptions>;

  constructor(options: SearchCacheOptions) {
    this.#options = { now: Date.now, ...options };
  }

  /** The cached value for a key, or the result of `load` (shared with concurrent callers). */
  get(key: string, load: (key: string) => Promise<T>): Promise<T> {
    const cached = this.peek(key);
    if (cached !== undefined) return Promise.resolve(cached);
    const running = this.#inFlight.get(key);
    if (running !== undefined) return running;
    const loading = load(key).then((value) => {
      this.#store(key, value);
      return value;
    }).finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, loading);
    return loading;
  }

  /** The fresh cached value for a key, marking it recently used; undefined when missing or stale. */
  peek(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= this.#options.now()) return undefined;
    this.#entries.set(key, entry); // re-insert: Map order is the recency order
    return entry.value;
  }

  /** How many entries are stored (stale ones included until touched or evicted). */
  get size(): number {
    return this.#entries.size;
  }

  #store(key: string, value: T): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: this.#options.now() + this.#options.ttlMs });
    while (this.#entries.size > this.#options.maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }
}
