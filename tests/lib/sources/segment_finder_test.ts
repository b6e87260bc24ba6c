import assert from "node:assert/strict";
import { createSegmentFinder } from "../../../lib/sources/segment_finder.ts";
import type { TrackInfo } from "../../../lib/track.ts";
import { startFakeSponsorBlock } from "../../fakes/fake_sponsorblock.ts";

const video = (videoId: string): TrackInfo => ({
  source: { kind: "youtube", videoId },
  title: videoId,
  url: `https://www.youtube.com/watch?v=${videoId}`,
  durationSeconds: 100,
});
const link: TrackInfo = {
  source: { kind: "url", url: "https://x/a.mp3" },
  title: "a",
  url: "https://x/a.mp3",
};

Deno.test("resolved YouTube tracks get their segments, asked once per video; other tracks are left alone", async () => {
  const fake = await startFakeSponsorBlock({ withParts01: [[10, 20]] });
  try {
    const finder = createSegmentFinder(fake.url);
    const answer = await finder.addTo({
      outcome: "tracks",
      tracks: [video("withParts01"), video("noParts0001"), link],
    });
    assert.ok(answer.outcome === "tracks");
    assert.deepEqual(answer.tracks.map((t) => t.skipSegments), [
      [{ startSeconds: 10, endSeconds: 20 }],
      [],
      undefined,
    ]);
    assert.deepEqual(await finder.of("withParts01", 100), {
      segments: [{ startSeconds: 10, endSeconds: 20 }],
    });
    assert.equal(fake.requests.length, 2, "the second ask for a video is answered from memory");
  } finally {
    await fake.close();
  }
});

Deno.test("SponsorBlock off or unreachable: nothing is attached, and the track is 'not known' rather than 'none'", async () => {
  const off = createSegmentFinder(undefined);
  const answer = { outcome: "tracks" as const, tracks: [video("withParts01")] };
  assert.equal(await off.addTo(answer), answer);
  assert.deepEqual(await off.of("withParts01"), {});
  const down = createSegmentFinder("http://127.0.0.1:9");
  const resolved = await down.addTo(answer);
  assert.ok(resolved.outcome === "tracks" && resolved.tracks[0].skipSegments === undefined);
  assert.deepEqual(await down.of("withParts01"), {});
});
