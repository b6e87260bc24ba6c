/**
 * Waits for a condition that announces itself with no event (a process gone from /proc, a fake's group
 * formed on a later turn, a state the bot only shows when asked): looks again every few milliseconds. The
 * bound only catches a hang.
 */

/** Waits until `done()` holds. */
export async function waitUntil(done: () => boolean, what: string, boundMs = 20_000): Promise<void> {
  await askUntil(() => Promise.resolve(done() || undefined), what, { boundMs, everyMs: 20 });
}

/**
 * Asks `ask` again and again (each answer awaited, then `everyMs` apart) until it gives something other than
 * undefined, and returns that: for states only a request shows (a reply, a metrics scrape).
 */
export async function askUntil<T>(
  ask: () => Promise<T | undefined>,
  what: string,
  { boundMs = 30_000, everyMs = 100 }: { boundMs?: number; everyMs?: number } = {},
): Promise<T> {
  const started = Date.now();
  while (true) {
    const answer = await ask();
    if (answer !== undefined) return answer;
    if (Date.now() - started > boundMs) throw new Error(`Still not true after ${boundMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * For checks that something does NOT happen: watches for `windowMs` and fails as soon as `happened()` gives
 * a description of what happened, with `what` (what should have stayed true) and the window in the message.
 */
export async function holdsFor(
  windowMs: number,
  happened: () => string | undefined,
  what: string,
  everyMs = 20,
): Promise<void> {
  const until = Date.now() + windowMs;
  while (true) {
    const seen = happened();
    if (seen !== undefined) {
      const after = windowMs - Math.max(0, until - Date.now());
      throw new Error(`Expected ${what} for the ${windowMs} ms watched, but ${seen} after ${after} ms`);
    }
    if (Date.now() >= until) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(everyMs, Math.max(0, until - Date.now()))));
  }
}

/**
 * Waits for an event that must come within a bound (a close, an answer): gives what `promise` settles with,
 * or rejects naming `what` once `boundMs` passed without it.
 */
export async function settlesWithin<T>(promise: Promise<T>, boundMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Not within ${boundMs} ms: ${what}`)), boundMs);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
