import assert from "node:assert/strict";
import { fakeTimers } from "../../fakes/fake_timers.ts";
import { settle } from "../../fakes/manual_clock.ts";
import { SegmentSkipper, type SkipTarget } from "../../../lib/guild/segment_skipper.ts";

/** A session whose playback advances with the fake clock, and timers that fire as it advances. */
function setup(segments: [number, number][], startSeconds = 0) {
  const clock = fakeTimers();
  const { timers, pending } = clock;
  const seeks: number[] = [];
  let playing = { from: startSeconds, at: 0, paused: false };
  const target: SkipTarget = {
    nowPlaying: () => ({
      positionSeconds: playing.paused ? playing.from : playing.from + (clock.now() - playing.at) / 1000,
      paused: playing.paused,
      skipSegments: segments.map(([startSeconds, endSeconds]) => ({ startSeconds, endSeconds })),
    }),
    seek: (position) => {
      seeks.push(position);
      playing = { ...playing, from: position, at: clock.now() };
      skipper.changed();
      return true;
    },
  };
  const skipper = new SegmentSkipper(target, timers);
  const flush = settle;
  const advance = (ms: number) => clock.advanceAsync(ms, flush);
  const pause = (paused: boolean) => {
    const position = target.nowPlaying()!.positionSeconds;
    playing = { from: position, at: clock.now(), paused };
    skipper.changed();
  };
  return { skipper, seeks, advance, flush, pause, pending };
}

Deno.test("each part is jumped over just before it starts, through a seek to its end", async () => {
  const { skipper, seeks, advance, flush } = setup([[3, 6], [10, 12]]);
  skipper.changed();
  await flush();
  await advance(2_900);
  assert.deepEqual(seeks, []);
  await advance(100);
  assert.deepEqual(seeks, [6]);
  await advance(3_000);
  assert.deepEqual(seeks, [6]);
  await advance(1_000);
  assert.deepEqual(seeks, [6, 12]);
  await advance(60_000);
  assert.deepEqual(seeks, [6, 12], "nothing after the last part");
});

Deno.test("a track starting inside a part, or right at it, jumps at once", async () => {
  const { skipper, seeks, flush } = setup([[0, 5]]);
  skipper.changed();
  await flush();
  assert.deepEqual(seeks, [5]);
});

Deno.test("paused playback is left alone until it resumes", async () => {
  const { skipper, seeks, advance, flush, pause, pending } = setup([[3, 6]]);
  skipper.changed();
  await flush();
  await advance(1_000);
  pause(true);
  await flush();
  assert.equal(pending.size, 0, "no timer while paused");
  await advance(10_000);
  assert.deepEqual(seeks, []);
  pause(false);
  await flush();
  await advance(2_000);
  assert.deepEqual(seeks, [6]);
});

Deno.test("a closed skipper does nothing", async () => {
  const { skipper, seeks, advance, flush } = setup([[1, 2]]);
  skipper.changed();
  await flush();
  skipper.close();
  await advance(5_000);
  assert.deepEqual(seeks, []);
});
