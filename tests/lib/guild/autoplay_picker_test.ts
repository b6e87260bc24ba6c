import assert from "node:assert/strict";
import { pickAutoplayTrack } from "../../../lib/guild/autoplay_picker.ts";
import type { TrackInfo } from "../../../lib/track.ts";

const video = (videoId: string): TrackInfo => ({
  source: { kind: "youtube", videoId },
  title: `Video ${videoId}`,
  url: `https://www.youtube.com/watch?v=${videoId}`,
});

function radioOf(mixes: Record<string, string[]>) {
  const asked: string[] = [];
  const radio = (videoId: string) => {
    asked.push(videoId);
    return Promise.resolve((mixes[videoId] ?? []).map(video));
  };
  return { radio, asked };
}

Deno.test("autoplay picks from the radio of the newest play, skipping what was played recently", async () => {
  const { radio, asked } = radioOf({
    seed0000001: ["seed0000001", "played00001", "fresh000001", "fresh000002"],
  });
  const recent = [video("seed0000001"), video("played00001")];
  assert.deepEqual((await pickAutoplayTrack(recent, radio))?.source, {
    kind: "youtube",
    videoId: "fresh000001",
  });
  assert.deepEqual(asked, ["seed0000001"]);
});

Deno.test("when one radio has nothing new, the next seed is tried", async () => {
  const { radio, asked } = radioOf({ newest00001: ["older000001"], older000001: ["new00000001"] });
  const recent = [video("newest00001"), video("older000001")];
  assert.equal((await pickAutoplayTrack(recent, radio))?.title, "Video new00000001");
  assert.deepEqual(asked, ["newest00001", "older000001"]);
});

Deno.test("without YouTube plays to seed it, autoplay has nothing to pick", async () => {
  const { radio, asked } = radioOf({});
  const recent: TrackInfo[] = [{
    source: { kind: "url", url: "https://example.com/a.mp3" },
    title: "a",
    url: "https://example.com/a.mp3",
  }];
  assert.equal(await pickAutoplayTrack(recent, radio), undefined);
  assert.deepEqual(asked, []);
});
