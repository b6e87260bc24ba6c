import assert from "node:assert/strict";
import { createSponsorBlock, hashPrefix, segmentsOf } from "../../../lib/sources/sponsorblock.ts";
import { startFakeSponsorBlock } from "../../fakes/fake_sponsorblock.ts";

const VIDEO = "dQw4w9WgXcQ";

Deno.test("the hash prefix is the first four hex digits of SHA-256 of the id", async () => {
  // sha256("dQw4w9WgXcQ") starts with these digits (checked with `printf dQw4w9WgXcQ | sha256sum`).
  assert.equal(await hashPrefix(VIDEO), await shellPrefix(VIDEO));
  assert.match(await hashPrefix("abc"), /^[0-9a-f]{4}$/);
});

Deno.test("only the prefix is sent, and our own entry's off-topic skips are picked from the answer", async () => {
  const fake = await startFakeSponsorBlock({ [VIDEO]: [[3, 6], [170, 180]] });
  try {
    const lookup = createSponsorBlock({ baseUrl: fake.url });
    const segments = await lookup(VIDEO, 180);
    assert.deepEqual(segments, [{ startSeconds: 3, endSeconds: 6 }, { startSeconds: 170, endSeconds: 180 }]);
    assert.equal(fake.requests.length, 1);
    const [path, query] = fake.requests[0].split("?");
    assert.equal(path, `/api/skipSegments/${await hashPrefix(VIDEO)}`);
    assert.deepEqual(JSON.parse(new URLSearchParams(query).get("categories")!), ["music_offtopic"]);
    assert.ok(!fake.requests[0].includes(VIDEO), "the video id never leaves the bot");
    assert.deepEqual(await lookup("noSegments1"), [], "a 404 means no segments");
  } finally {
    await fake.close();
  }
});

Deno.test("a server that is down, erring or answering nonsense gives 'unknown', not 'none'", async () => {
  const down = createSponsorBlock({ baseUrl: "http://127.0.0.1:9" });
  assert.equal(await down(VIDEO), undefined);
  const answers = [
    new Response("oops", { status: 500 }),
    new Response("{not json"),
    new Response(JSON.stringify({ videoID: VIDEO })),
    new Response("[" + "0,".repeat(1_100_000) + "0]"),
  ];
  for (const answer of answers) {
    const lookup = createSponsorBlock({ baseUrl: "http://x", fetch: () => Promise.resolve(answer.clone()) });
    assert.equal(await lookup(VIDEO), undefined, await answer.clone().text().then((t) => t.slice(0, 40)));
  }
});

Deno.test("malformed segments, other categories and segments of another upload are left out", () => {
  const answer = [{
    videoID: VIDEO,
    segments: [
      { category: "music_offtopic", actionType: "skip", segment: [10, 20], videoDuration: 181 },
      { category: "music_offtopic", actionType: "skip", segment: [30, 40], videoDuration: 240 },
      { category: "music_offtopic", actionType: "mute", segment: [50, 60] },
      { category: "sponsor", actionType: "skip", segment: [70, 80] },
      { category: "music_offtopic", segment: ["a", 5] },
      { category: "music_offtopic", segment: [1] },
      "nonsense",
    ],
  }, { videoID: "someoneElse", segments: [{ category: "music_offtopic", segment: [0, 100] }] }];
  assert.deepEqual(segmentsOf(answer, VIDEO, 180), [{ startSeconds: 10, endSeconds: 20 }]);
  assert.deepEqual(segmentsOf(answer, "notInThere1", 180), []);
});

async function shellPrefix(text: string): Promise<string> {
  const output = await new Deno.Command("sh", { args: ["-c", `printf %s '${text}' | sha256sum`] }).output();
  return new TextDecoder().decode(output.stdout).slice(0, 4);
}
