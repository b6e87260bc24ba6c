import assert from "node:assert/strict";
import {
  fileSecondsOf,
  heardSeconds,
  MAX_SKIP_SEGMENTS,
  normalizeSegments,
  skippedBefore,
} from "../../lib/skip_segments.ts";
import { airtimeSeconds } from "../../lib/queue/queue_entry.ts";

const seg = (startSeconds: number, endSeconds: number) => ({ startSeconds, endSeconds });

Deno.test("segments are sorted, clipped to the track, merged where they overlap, and tiny ones dropped", () => {
  assert.deepEqual(
    normalizeSegments([seg(50, 70), seg(-5, 10), seg(8, 12), seg(20, 20.2), seg(170, 400), seg(NaN, 3)], 180),
    [seg(0, 12), seg(50, 70), seg(170, 180)],
  );
  assert.deepEqual(normalizeSegments([seg(30, 10)]), []);
  const many = Array.from({ length: 40 }, (_, i) => seg(i * 10, i * 10 + 2));
  assert.equal(normalizeSegments(many).length, MAX_SKIP_SEGMENTS);
});

Deno.test("heard time leaves out the skipped parts, and maps back to the file past them", () => {
  const parts = [seg(10, 20), seg(40, 45)];
  assert.equal(skippedBefore(180, parts), 15);
  assert.equal(heardSeconds(5, parts), 5);
  assert.equal(heardSeconds(15, parts), 10, "inside a part: where it began");
  assert.equal(heardSeconds(30, parts), 20);
  assert.equal(heardSeconds(180, parts), 165);
  assert.equal(fileSecondsOf(5, parts), 5);
  assert.equal(fileSecondsOf(10, parts), 20, "the start of a part is heard as its end");
  assert.equal(fileSecondsOf(25, parts), 35);
  assert.equal(fileSecondsOf(35, parts), 50);
  for (const heard of [0, 7, 12, 29.5, 100]) {
    assert.equal(heardSeconds(fileSecondsOf(heard, parts), parts), heard);
  }
});

Deno.test("the fair queue charges only what is heard of a track with skipped parts", () => {
  const track = {
    id: "1",
    title: "t",
    url: "u",
    requesterId: "r",
    requestedAt: 0,
    source: { kind: "youtube" as const, videoId: "abcdefghijk" },
    durationSeconds: 200,
  };
  assert.equal(airtimeSeconds(track), 200);
  assert.equal(airtimeSeconds({ ...track, skipSegments: [seg(0, 30), seg(180, 200)] }), 150);
});
