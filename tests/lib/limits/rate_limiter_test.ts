import assert from "node:assert/strict";
import { enforceRate, parseRate, RateLimiter, rateLimitMessage } from "../../../lib/limits/rate_limiter.ts";
import { UserError } from "../../../lib/user_error.ts";

function limiterAt(start = 1_000_000) {
  const clock = { now: start };
  const limiter = new RateLimiter({ limit: 3, windowMs: 10_000 }, () => clock.now);
  return { clock, limiter };
}

Deno.test("a user gets `limit` uses per window; the next is refused with the wait until a use expires", () => {
  const { clock, limiter } = limiterAt();
  assert.deepEqual(limiter.take("alice"), { allowed: true });
  clock.now += 2000;
  assert.deepEqual(limiter.take("alice"), { allowed: true });
  clock.now += 2000;
  assert.deepEqual(limiter.take("alice"), { allowed: true });
  assert.deepEqual(limiter.take("alice"), { allowed: false, retryAfterMs: 6000 });
  clock.now += 6000;
  assert.deepEqual(limiter.take("alice"), { allowed: true }, "the first use has left the window");
  assert.deepEqual(limiter.take("alice"), { allowed: false, retryAfterMs: 2000 });
});

Deno.test("a refused use is not counted, and users are limited separately", () => {
  const { clock, limiter } = limiterAt();
  for (let i = 0; i < 3; i++) limiter.take("alice");
  for (let i = 0; i < 5; i++) assert.equal(limiter.take("alice").allowed, false);
  assert.deepEqual(limiter.take("bob"), { allowed: true });
  clock.now += 10_000;
  assert.deepEqual(limiter.take("alice"), { allowed: true }, "refusals did not push the window on");
});

Deno.test("users quiet for a whole window are forgotten", () => {
  const { clock, limiter } = limiterAt();
  for (const user of ["a", "b", "c"]) limiter.take(user);
  assert.equal(limiter.tracked, 3);
  clock.now += 10_000;
  limiter.take("d");
  assert.equal(limiter.tracked, 1);
});

Deno.test("enforceRate throws the polite reply, and does nothing without a limiter", () => {
  const { limiter } = limiterAt();
  for (let i = 0; i < 3; i++) enforceRate(limiter, "alice");
  assert.throws(() => enforceRate(limiter, "alice"), (error) => {
    assert.ok(error instanceof UserError);
    assert.equal(
      error.message,
      "You're adding songs quickly: at most 3 /play every 10 s. Try again in 10 s.",
    );
    return true;
  });
  for (let i = 0; i < 100; i++) enforceRate(undefined, "alice");
});

Deno.test("the reply rounds the wait up to whole seconds and names minutes", () => {
  assert.match(rateLimitMessage({ limit: 5, windowMs: 10_000 }, 1), /Try again in 1 s\./);
  assert.match(rateLimitMessage({ limit: 5, windowMs: 10_000 }, 4001), /Try again in 5 s\./);
  assert.match(rateLimitMessage({ limit: 20, windowMs: 60_000 }, 30_000), /at most 20 \/play every minute/);
  assert.match(rateLimitMessage({ limit: 20, windowMs: 120_000 }, 30_000), /every 2 minutes/);
});

Deno.test("rates are read from 5/10s, 20/1m, 100/1h, 3/500ms and off", () => {
  assert.deepEqual(parseRate("5/10s"), { limit: 5, windowMs: 10_000 });
  assert.deepEqual(parseRate(" 20 / 1m "), { limit: 20, windowMs: 60_000 });
  assert.deepEqual(parseRate("100/1h"), { limit: 100, windowMs: 3_600_000 });
  assert.deepEqual(parseRate("3/500ms"), { limit: 3, windowMs: 500 });
  assert.deepEqual(parseRate("5/10"), { limit: 5, windowMs: 10_000 }, "seconds by default");
  assert.equal(parseRate("off"), null);
  assert.equal(parseRate("0"), null);
  for (const bad of ["", "fast", "5", "0/10s", "5/0s", "-1/10s", "5/10d"]) {
    assert.equal(parseRate(bad), undefined, bad);
  }
});
