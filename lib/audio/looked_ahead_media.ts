/**
 * Stream addresses found ahead of a /play: the top suggestion's media, extracted while its person decides,
 * so the fetch of that source finds it ready instead of extracting it then. A look-up in flight is shared:
 * a fetch that asks meanwhile joins it rather than extracting again, and it is cancelled only once nobody
 * wants it any more. A failed or cancelled look-up leaves nothing behind; a found address is kept until it
 * nears its expiry, or until a fetch takes it.
 */
import type { KnownMedia } from "../channels/transcoder_messages.ts";

/** Finds the media of one source; undefined when there is none to fetch directly. Stops when `signal` aborts. */
export type MediaFinder = (signal: AbortSignal) => Promise<KnownMedia | undefined>;

type Entry =
  /** Being looked up; `holders` are the look-ahead request and any fetches that joined it. */
  | { status: "finding"; found: Promise<KnownMedia | undefined>; stop: AbortController; holders: number }
  | { status: "found"; media: KnownMedia };

/** How long entries live and how many there may be. */
export interface LookedAheadOptions {
  /** Look-ups in flight and found addresses kept, together; the oldest found one makes room. */
  maxEntries?: number;
  /** An address this close to its expiry is neither kept nor handed out. */
  marginMs?: number;
  now?: () => number;
}

/** The media found ahead, by source key. */
export class LookedAheadMedia {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #marginMs: number;
  readonly #now: () => number;

  constructor(options: LookedAheadOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 32;
    this.#marginMs = options.marginMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Looks `key` up with `find` unless it is already known or being looked up; resolves whether media was
   * found. Aborting `signal` lets go of the look-up, which stops unless a fetch has joined it.
   */
  async lookAhead(key: string, find: MediaFinder, signal: AbortSignal): Promise<boolean> {
    signal.throwIfAborted();
    const known = this.#valid(key);
    if (known?.status === "found") return true;
    if (known === undefined && !this.#makeRoom()) return false;
    const entry = known ?? this.#start(key, find);
    return (await this.#hold(entry, signal)) !== undefined;
  }

  /**
   * The media found ahead for `key`, waiting for a look-up in flight; it is handed out once and forgotten.
   * Undefined when there is none, or the look-up failed or was cancelled.
   */
  async take(key: string, signal: AbortSignal): Promise<KnownMedia | undefined> {
    const entry = this.#valid(key);
    if (entry === undefined) return undefined;
    if (entry.status === "found") {
      this.#entries.delete(key);
      return entry.media;
    }
    const media = await this.#hold(entry, signal).catch((error) => {
      signal.throwIfAborted();
      throw error;
    });
    // Its look-up may have stored it meanwhile: it is this fetch's now.
    if (this.#entries.get(key)?.status === "found") this.#entries.delete(key);
    return media;
  }

  /** How many look-ups are in flight and addresses kept. */
  get size(): number {
    return this.#entries.size;
  }

  #start(key: string, find: MediaFinder): Extract<Entry, { status: "finding" }> {
    const stop = new AbortController();
    const found = find(stop.signal).then(
      (media) => media !== undefined && this.#fresh(media) ? media : undefined,
      () => undefined,
    );
    const entry: Extract<Entry, { status: "finding" }> = { status: "finding", found, stop, holders: 0 };
    this.#entries.set(key, entry);
    found.then((media) => {
      if (this.#entries.get(key) !== entry) return;
      if (media !== undefined) this.#entries.set(key, { status: "found", media });
      else this.#entries.delete(key);
    });
    return entry;
  }

  /** Waits for a look-up as one of its holders; the last holder to let go before it ends cancels it. */
  async #hold(
    entry: Extract<Entry, { status: "finding" }>,
    signal: AbortSignal,
  ): Promise<KnownMedia | undefined> {
    signal.throwIfAborted();
    entry.holders++;
    const { promise: aborted, reject } = Promise.withResolvers<never>();
    const letGo = () => reject(signal.reason);
    signal.addEventListener("abort", letGo, { once: true });
    try {
      return await Promise.race([entry.found, aborted]);
    } finally {
      signal.removeEventListener("abort", letGo);
      if (--entry.holders === 0 && signal.aborted) {
        entry.stop.abort(signal.reason);
        for (const [key, other] of this.#entries) if (other === entry) this.#entries.delete(key);
      }
    }
  }

  /** The entry for `key`, unless it is an address too close to its expiry (which is then forgotten). */
  #valid(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry?.status === "found" && !this.#fresh(entry.media)) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #fresh(media: KnownMedia): boolean {
    return (media.expiresAt ?? Infinity) > this.#now() + this.#marginMs;
  }

  /** Room for one more entry: the oldest found address goes; false when every entry is a look-up in flight. */
  #makeRoom(): boolean {
    if (this.#entries.size < this.#maxEntries) return true;
    for (const [key, entry] of this.#entries) {
      if (entry.status === "found") {
        this.#entries.delete(key);
        return true;
      }
    }
    return false;
  }
}
