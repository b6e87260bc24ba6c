import assert from "node:assert/strict";
import { lyricsQueryOf, searchWords } from "../../../lib/lyrics/lyrics_query.ts";

const youtube = (title: string, durationSeconds?: number) => ({
  title,
  durationSeconds,
  source: { kind: "youtube" as const, videoId: "abcdefghijk" },
});

Deno.test("a video title 'Artist - Title (notes)' gives the artist and the bare title", () => {
  assert.deepEqual(lyricsQueryOf(youtube("Some Band - A Song (Official Music Video) [HD]", 212.4)), {
    artist: "Some Band",
    title: "A Song",
    durationSeconds: 212,
  });
  assert.deepEqual(lyricsQueryOf(youtube("Some Band – A Song (Lyrics)")), {
    artist: "Some Band",
    title: "A Song",
  });
});

Deno.test("a title without an artist is searched for as it is", () => {
  const query = lyricsQueryOf(youtube("Just A Title (Audio)"));
  assert.deepEqual(query, { title: "Just A Title" });
  assert.equal(searchWords(query), "Just A Title");
});

Deno.test("a Spotify track gives its own title, first artist and length", () => {
  const query = lyricsQueryOf({
    title: "ignored",
    durationSeconds: 100,
    source: {
      kind: "spotify",
      trackId: "x",
      title: "Real Title",
      artists: ["First", "Second"],
      durationSeconds: 181,
    },
  });
  assert.deepEqual(query, { title: "Real Title", artist: "First", durationSeconds: 181 });
  assert.equal(searchWords(query), "First Real Title");
});

Deno.test("outside titles are bounded", () => {
  assert.ok(lyricsQueryOf(youtube("x".repeat(5_000))).title.length <= 200);
});
