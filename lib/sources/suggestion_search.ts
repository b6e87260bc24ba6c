/**
 * Autocomplete suggestions while someone types into /play. Discord sends one request per keystroke; each
 * user's requests are debounced (only the last keystroke of a burst searches), a newer keystroke cancels the
 * search it supersedes, so a user has at most one search in flight, and answers are remembered for a while.
 */
import { type Clock, systemClock } from "../clock.ts";
import { type RateLimit, RateLimiter } from "../limits/rate_limiter.ts";
import { withoutInvisibles } from "./query_kind.ts";
import { SearchCache, searchKey } from "./search_cache.ts";

/** One autocomplete choice: what Discord shows, and the value /play then receives. */
export interface Choice {
  name: string;
  value: string;
}

/** How a suggestion request ended; the choices are always fit to send. */
export type SuggestionOutcome =
  /** Searched, or remembered from an earlier search. */
  | { status: "found" | "remembered"; choices: Choice[] }
  /** Too short, or a link: offered back as typed, without a search. */
  | { status: "typed"; choices: Choice[] }
  /** A newer keystroke of the same user took over; the text is offered back as typed. */
  | { status: "superseded"; choices: Choice[] }
  /** The search failed or took too long; the text is offered back as typed. */
  | { status: "failed"; choices: Choice[] }
  /** This user searched too often just now; the text is offered back as typed, with no search. */
  | { status: "limited"; choices: Choice[] };

/** A search for `text`; undefined when it failed. It must stop when `signal` aborts. */
export type SuggestionSearcher = (text: string, signal: AbortSignal) => Promise<Choice[] | undefined>;

/** The search and its timing; the defaults suit Discord's 3-second limit on an answer. */
export interface SuggestionSearchOptions {
  search: SuggestionSearcher;
  clock?: Clock;
  /** Quiet time after a keystroke before searching. */
  debounceMs?: number;
  /** A search still running this long after it started is answered with the typed text (it goes on). */
  timeoutMs?: number;
  cacheTtlMs?: number;
  cacheEntries?: number;
  /** Searches one user may start; answers from memory do not count. */
  perUser?: RateLimit;
}

/** Enough for anyone typing (a search waits for a pause in the keys), not for a script hammering away. */
export const SUGGESTIONS_PER_USER: RateLimit = { limit: 20, windowMs: 10_000 };

/**
 * Quiet time after a keystroke before searching. Short, because a search is one request from the worker
 * (not a process start) and suggestions should arrive within half a second of the last key; a newer key
 * still cancels the search it supersedes.
 */
export const SUGGESTION_DEBOUNCE_MS = 150;

/** Shorter text finds nothing useful and changes with every keystroke. */
export const MIN_SEARCH_LENGTH = 3;
/** Discord's limit on a choice's name and value. */
const MAX_CHOICE_LENGTH = 100;
const MAX_CHOICES = 25;

/** What one user's suggestions are doing. */
type UserState =
  | { status: "idle" }
  /** Waiting for the keystrokes to pause; aborting `stop` ends the wait. */
  | { status: "debouncing"; key: string; stop: AbortController; outcome: Promise<SuggestionOutcome> }
  /** The one search in flight for this user. */
  | { status: "searching"; key: string; stop: AbortController; outcome: Promise<SuggestionOutcome> };

/** Debounced, cancellable, cached suggestion searches, one in flight per user. */
export class SuggestionSearch {
  readonly #options: Required<Omit<SuggestionSearchOptions, "cacheTtlMs" | "cacheEntries" | "perUser">>;
  readonly #cache: SearchCache<Choice[]>;
  readonly #perUser: RateLimiter;
  readonly #users = new Map<string, UserState>();

  constructor(options: SuggestionSearchOptions) {
    this.#options = { clock: systemClock, debounceMs: SUGGESTION_DEBOUNCE_MS, timeoutMs: 2_200, ...options };
    this.#cache = new SearchCache({
      maxEntries: options.cacheEntries ?? 1_000,
      ttlMs: options.cacheTtlMs ?? 10 * 60_000,
      now: () => this.#options.clock.now(),
    });
    this.#perUser = new RateLimiter(options.perUser ?? SUGGESTIONS_PER_USER, () => this.#options.clock.now());
  }

  /** Suggestions for what `userId` has typed so far. */
  suggest(userId: string, typed: string): Promise<SuggestionOutcome> {
    const text = withoutInvisibles(typed).replace(/\s+/g, " ").trim().slice(0, MAX_CHOICE_LENGTH);
    const key = searchKey(text);
    const current = this.#state(userId);
    // The same words again (a key that changes nothing) share the answer already on its way.
    if (current.status !== "idle" && current.key === key) return current.outcome;
    this.#set(userId, { status: "idle" });
    if (text.length < MIN_SEARCH_LENGTH || /^\S+:\/\//.test(text) || /^\S+\.\S+\/\S*$/.test(text)) {
      return Promise.resolve({ status: "typed", choices: asTyped(text) });
    }
    const remembered = this.#cache.peek(key);
    if (remembered !== undefined) return Promise.resolve({ status: "remembered", choices: remembered });
    const stop = new AbortController();
    const outcome = this.#debounceThenSearch(userId, key, text, stop);
    this.#set(userId, { status: "debouncing", key, stop, outcome });
    return outcome;
  }

  /** How many users have a search waiting or running. */
  get busyUsers(): number {
    return this.#users.size;
  }

  async #debounceThenSearch(
    userId: string,
    key: string,
    text: string,
    stop: AbortController,
  ): Promise<SuggestionOutcome> {
    const { clock, debounceMs, timeoutMs, search } = this.#options;
    const superseded = { status: "superseded", choices: asTyped(text) } as const;
    try {
      await clock.sleep(debounceMs, stop.signal);
    } catch {
      return superseded;
    }
    const state = this.#state(userId);
    if (state.status !== "debouncing" || state.stop !== stop) return superseded;
    if (!this.#perUser.take(userId).allowed) {
      this.#set(userId, { status: "idle" });
      return { status: "limited", choices: asTyped(text) };
    }
    this.#set(userId, { ...state, status: "searching" });
    // A search that outlives Discord's patience still finishes and is remembered, so the next keystroke or
    // the same words again get its answer at once; only a newer keystroke (stop) cancels it.
    let overtaken = false;
    const searching = search(text, stop.signal).catch(() => undefined).then((found) => {
      overtaken = !this.#stillCurrent(userId, stop);
      if (!overtaken) this.#set(userId, { status: "idle" });
      if (found === undefined || overtaken) return undefined;
      const choices = found.slice(0, MAX_CHOICES).map(fitChoice);
      this.#cache.get(key, () => Promise.resolve(choices));
      return choices;
    });
    const deadline = new AbortController();
    const late = clock.sleep(timeoutMs, deadline.signal).then(() => "late" as const, () => "late" as const);
    try {
      const first = await Promise.race([searching, late]);
      if (first === "late") return this.#stillCurrent(userId, stop) ? failed(text) : superseded;
      if (overtaken) return superseded;
      return first === undefined ? failed(text) : { status: "found", choices: first };
    } finally {
      deadline.abort();
    }
  }

  #stillCurrent(userId: string, stop: AbortController): boolean {
    const state = this.#state(userId);
    return state.status !== "idle" && state.stop === stop;
  }

  #state(userId: string): UserState {
    return this.#users.get(userId) ?? { status: "idle" };
  }

  /** The one place a user's state changes; leaving a wait or a search cancels it. */
  #set(userId: string, next: UserState): void {
    const previous = this.#state(userId);
    if (previous.status !== "idle" && (next.status === "idle" || next.stop !== previous.stop)) {
      previous.stop.abort(new Error("superseded"));
    }
    if (next.status === "idle") this.#users.delete(userId);
    else this.#users.set(userId, next);
  }
}

function failed(text: string): SuggestionOutcome {
  return { status: "failed", choices: asTyped(text) };
}

function asTyped(text: string): Choice[] {
  return text === "" ? [] : [{ name: text, value: text }];
}

function fitChoice(choice: Choice): Choice {
  const cut = (text: string) =>
    [...text].length > MAX_CHOICE_LENGTH ? [...text].slice(0, MAX_CHOICE_LENGTH - 1).join("") + "…" : text;
  return { name: cut(choice.name), value: choice.value.slice(0, MAX_CHOICE_LENGTH) };
}
