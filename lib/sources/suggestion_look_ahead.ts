/**
 * Looks up the top suggestion's stream address while its person decides: once their words have settled (no
 * new keystroke for a short quiet time after the suggestions were answered), the first suggested video is
 * extracted ahead, so pressing Enter finds its address ready. At most one per person at a time; it is
 * cancelled when their words change to suggestions led by another video. Every look-up is a request to
 * YouTube, which counts toward its bot checks: a video already cached or looked up lately is skipped, and
 * look-ups are capped per person, overall, and in flight at once.
 */
import { type Clock, systemClock } from "../clock.ts";
import { type RateLimit, RateLimiter } from "../limits/rate_limiter.ts";

/** How the look-up reaches the transcoder and the cache. */
export interface LookAheadPort {
  /** Finds where the video's audio is, downloading nothing; resolves whether it was found. Stops on abort. */
  lookAhead(videoId: string, signal: AbortSignal): Promise<boolean>;
  /** The video's audio is already cached: nothing to look up. */
  isCached(videoId: string): boolean;
}

/** What autocomplete tells the look-ahead. */
export interface LookAheadHints {
  /** An autocomplete request from `userId` arrived: their words are not settled. */
  typing(userId: string): void;
  /** `userId`'s words were answered; `topVideoId` leads the suggestions (undefined: no video does). */
  suggested(userId: string, topVideoId: string | undefined): void;
}

/** The port, clock and limits. */
export interface SuggestionLookAheadOptions {
  port: LookAheadPort;
  clock?: Clock;
  /** Quiet time after the suggestions were answered before looking up. */
  quietMs?: number;
  perUser?: RateLimit;
  overall?: RateLimit;
  /** Look-ups in flight at once, for everyone together. */
  maxRunning?: number;
  /** A video found ahead is not looked up again for this long. */
  rememberMs?: number;
}

/**
 * Longer than a pause between keystrokes (the suggestions themselves come at least 150 ms after the last
 * one, so this is 650 ms or more of quiet), shorter than it takes to read the suggestions and pick one.
 */
export const LOOK_AHEAD_QUIET_MS = 500;
/** Someone who settles on words every ten seconds for a minute is searching, not typing a script. */
export const LOOK_AHEADS_PER_USER: RateLimit = { limit: 6, windowMs: 60_000 };
/** A busy evening of a circle of friends, not a crawler. */
export const LOOK_AHEADS_OVERALL: RateLimit = { limit: 20, windowMs: 60_000 };
const MAX_RUNNING = 2;
const REMEMBER_MS = 5 * 60_000;
const REMEMBERED_VIDEOS = 200;
const EVERYONE = "everyone";

/** What one person's look-ahead is doing. */
type PersonState =
  | { status: "idle" }
  /** Waiting for the words to stay quiet; aborting `stop` ends the wait. */
  | { status: "settling"; videoId: string; stop: AbortController }
  /** The one look-up in flight for this person; aborting `stop` cancels it. */
  | { status: "looking"; videoId: string; stop: AbortController };

/** One look-up ahead per person, started when their words settle and cancelled when they change. */
export class SuggestionLookAhead implements LookAheadHints {
  readonly #port: LookAheadPort;
  readonly #clock: Clock;
  readonly #quietMs: number;
  readonly #maxRunning: number;
  readonly #rememberMs: number;
  readonly #perUser: RateLimiter;
  readonly #overall: RateLimiter;
  readonly #people = new Map<string, PersonState>();
  /** Video id → when it was found ahead. */
  readonly #found = new Map<string, number>();

  constructor(options: SuggestionLookAheadOptions) {
    this.#port = options.port;
    this.#clock = options.clock ?? systemClock;
    this.#quietMs = options.quietMs ?? LOOK_AHEAD_QUIET_MS;
    this.#maxRunning = options.maxRunning ?? MAX_RUNNING;
    this.#rememberMs = options.rememberMs ?? REMEMBER_MS;
    const now = () => this.#clock.now();
    this.#perUser = new RateLimiter(options.perUser ?? LOOK_AHEADS_PER_USER, now);
    this.#overall = new RateLimiter(options.overall ?? LOOK_AHEADS_OVERALL, now);
  }

  typing(userId: string): void {
    // A look-up in flight runs on until the new words' suggestions show whether they still lead with it.
    if (this.#state(userId).status === "settling") this.#set(userId, { status: "idle" });
  }

  suggested(userId: string, topVideoId: string | undefined): void {
    const current = this.#state(userId);
    if (current.status === "looking" && current.videoId === topVideoId) return;
    if (topVideoId === undefined) return this.#set(userId, { status: "idle" });
    const stop = new AbortController();
    this.#set(userId, { status: "settling", videoId: topVideoId, stop });
    this.#clock.sleep(this.#quietMs, stop.signal).then(() => this.#settled(userId, stop), () => {});
  }

  /** Look-ups in flight. */
  get running(): number {
    return [...this.#people.values()].filter((state) => state.status === "looking").length;
  }

  #settled(userId: string, stop: AbortController): void {
    const state = this.#state(userId);
    if (state.status !== "settling" || state.stop !== stop) return;
    const { videoId } = state;
    const worthIt = !this.#recentlyFound(videoId) && !this.#port.isCached(videoId) &&
      this.running < this.#maxRunning && this.#overall.take(EVERYONE).allowed &&
      this.#perUser.take(userId).allowed;
    if (!worthIt) return this.#set(userId, { status: "idle" });
    this.#set(userId, { status: "looking", videoId, stop });
    this.#port.lookAhead(videoId, stop.signal).catch(() => false).then((found) => {
      if (found && !stop.signal.aborted) this.#remember(videoId);
      const now = this.#state(userId);
      if (now.status === "looking" && now.stop === stop) this.#set(userId, { status: "idle" }, "ended");
    });
  }

  #recentlyFound(videoId: string): boolean {
    const at = this.#found.get(videoId);
    if (at === undefined) return false;
    if (this.#clock.now() - at < this.#rememberMs) return true;
    this.#found.delete(videoId);
    return false;
  }

  #remember(videoId: string): void {
    this.#found.delete(videoId);
    this.#found.set(videoId, this.#clock.now());
    if (this.#found.size > REMEMBERED_VIDEOS) this.#found.delete(this.#found.keys().next().value!);
  }

  #state(userId: string): PersonState {
    return this.#people.get(userId) ?? { status: "idle" };
  }

  /** The one place a person's state changes; leaving a wait or a look-up cancels it, unless it `ended`. */
  #set(userId: string, next: PersonState, how: "ended" | "left" = "left"): void {
    const previous = this.#state(userId);
    if (
      how === "left" && previous.status !== "idle" && (next.status === "idle" || next.stop !== previous.stop)
    ) {
      previous.stop.abort(new Error("The words changed."));
    }
    if (next.status === "idle") this.#people.delete(userId);
    else this.#people.set(userId, next);
  }
}
