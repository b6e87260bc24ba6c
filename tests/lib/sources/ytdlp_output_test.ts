import assert from "node:assert/strict";
import {
  choiceName,
  formatDuration,
  MAX_CHOICE_NAME,
  mediaOf,
  trackFromVideoJson,
  tracksFromPlaylistJson,
} from "../../../lib/sources/ytdlp_output.ts";
import { UserError } from "../../../lib/user_error.ts";

const FIXTURES = new URL("../../fixtures/ytdlp/", import.meta.url);

async function fixture(name: string): Promise<unknown> {
  return JSON.parse(await Deno.readTextFile(new URL(name, FIXTURES)));
}

Deno.test("a YouTube video becomes a youtube track with its canonical URL", async () => {
  const { media, ...track } = trackFromVideoJson(
    await fixture("video.json"),
    "https://youtu.be/dQw4w9WgXcQ?si=x",
  );
  assert.deepEqual(track, {
    source: { kind: "youtube", videoId: "dQw4w9WgXcQ" },
    title: "Rick Astley - Never Gonna Give You Up (Official Music Video)",
    url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    durationSeconds: 212,
  });
  // The format yt-dlp chose, with the headers it would send: the download needs no second extraction.
  assert.equal(media?.url, "https://rr1---sn-example.googlevideo.com/videoplayback?id=dQw4w9WgXcQ&itag=18");
  assert.ok(media?.httpHeaders?.["User-Agent"]);
});

Deno.test("a format URL's expiry comes from its expire parameter, less a margin", () => {
  const now = Date.UTC(2026, 10, 29);
  const expire = now / 1000 + 6 * 3600;
  const media = mediaOf({ url: `https://rr1.googlevideo.com/videoplayback?expire=${expire}&id=x` }, now);
  assert.equal(media?.expiresAt, expire * 1000 - 5 * 60_000);
  assert.equal(mediaOf({ url: "https://cdn.example/a.mp3" }, now)?.expiresAt, now + 30 * 60_000);
  assert.equal(mediaOf({ url: "file:///etc/passwd" }, now), undefined, "only web addresses");
  assert.equal(mediaOf({}, now), undefined);
});

Deno.test("a link read by the generic extractor keeps the user's link, and names the media it found", async () => {
  const link = "http://127.0.0.1:18931/music/tone.mp3";
  const { media, ...track } = trackFromVideoJson(await fixture("generic_mp3.json"), link);
  assert.deepEqual(track, { source: { kind: "url", url: link }, title: "tone", url: link });
  assert.equal(media?.url, link);
});

Deno.test("a live video is a live track with no length and no media; one not started yet is refused", async () => {
  const live = await fixture("video_live.json");
  const track = trackFromVideoJson(live, "https://youtu.be/jfKfPfyJRdk");
  assert.equal(track.live, true);
  assert.deepEqual(track.source, { kind: "youtube", videoId: "jfKfPfyJRdk" });
  assert.equal(track.durationSeconds, undefined);
  assert.equal(track.media, undefined, "its HLS manifest is left to yt-dlp");
  const upcoming = { id: "abcdefghijk", title: "Soon", live_status: "is_upcoming", extractor_key: "Youtube" };
  assert.throws(() => trackFromVideoJson(upcoming, "x"), /not started yet/);
});

Deno.test("a flat search keeps videos in order and skips the live stream", async () => {
  const tracks = tracksFromPlaylistJson(await fixture("search_flat.json"));
  assert.deepEqual(tracks.map((track) => track.url), [
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com/watch?v=yPYZpwSpKmA",
    "https://www.youtube.com/watch?v=AyOqGRjVtls",
    "https://www.youtube.com/watch?v=BeyEGebJ1l4",
  ]);
  assert.deepEqual(tracks[0].source, { kind: "youtube", videoId: "dQw4w9WgXcQ" });
  assert.equal(tracks[0].durationSeconds, 212);
});

Deno.test("a flat playlist skips private and deleted videos", async () => {
  const tracks = tracksFromPlaylistJson(await fixture("playlist_flat.json"));
  assert.deepEqual(tracks.map((track) => track.title), [
    "Rick Astley - Never Gonna Give You Up (Official Music Video)",
    "Luis Fonsi - Despacito ft. Daddy Yankee",
    "PSY - GANGNAM STYLE(강남스타일) M/V",
  ]);
});

Deno.test("a radio mix gives its videos, seed first", async () => {
  const tracks = tracksFromPlaylistJson(await fixture("radio_flat.json"));
  assert.equal(tracks.length, 4);
  assert.deepEqual(tracks[0].source, { kind: "youtube", videoId: "dQw4w9WgXcQ" });
  assert.equal(tracks[3].durationSeconds, 336);
});

Deno.test("search results fit Discord's choice limits", async () => {
  const tracks = tracksFromPlaylistJson(await fixture("search_flat.json"));
  assert.equal(choiceName(tracks[0]), "Rick Astley - Never Gonna Give You Up (Official Music Video) (3:32)");
  assert.equal(tracks[0].url, "https://www.youtube.com/watch?v=dQw4w9WgXcQ");
  for (const track of tracks) {
    assert.ok(choiceName(track).length <= MAX_CHOICE_NAME && track.url.length <= MAX_CHOICE_NAME);
  }
});

Deno.test("choiceName cuts long titles by characters, not UTF-16 units", () => {
  const track = {
    source: { kind: "url", url: "x" },
    url: "x",
    title: "🎵".repeat(120),
    durationSeconds: 3725,
  } as const;
  const name = choiceName(track);
  assert.ok(name.endsWith("… (1:02:05)"), name);
  assert.equal([...name].length, MAX_CHOICE_NAME);
  assert.equal(formatDuration(59.6), "1:00");
});

Deno.test("unexpected JSON fails with a clear error, not a UserError", () => {
  for (const bad of [null, "text", [], { _type: "video" }, { _type: "playlist", entries: [1] }]) {
    assert.throws(() => tracksFromPlaylistJson(bad), (error: unknown) => {
      return error instanceof Error && !(error instanceof UserError) && /yt-dlp/.test(error.message);
    });
  }
  assert.throws(() => trackFromVideoJson({ title: "no id" }, "x"), /"id" is missing/);
  assert.throws(() => trackFromVideoJson({ id: "bad", extractor_key: "Youtube" }, "x"), /not one/);
});

Deno.test("entries that are not YouTube videos are skipped", () => {
  const json = {
    _type: "playlist",
    entries: [
      { _type: "url", ie_key: "YoutubeTab", id: "UCxxxxxxxxxxxxxxxxxxxxxx", title: "A channel" },
      { _type: "url", ie_key: "Youtube", id: "dQw4w9WgXcQ", title: "Song", duration: null },
      { _type: "url", ie_key: "Youtube", id: "abcdefghijk", title: "Up next", live_status: "is_upcoming" },
    ],
  };
  assert.deepEqual(tracksFromPlaylistJson(json), [{
    source: { kind: "youtube", videoId: "dQw4w9WgXcQ" },
    title: "Song",
    url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
  }]);
});
