import assert from "node:assert/strict";
import { boundedArtists, boundedText, boundedTitle, TEXT_LIMITS } from "../../../lib/sources/bounded_text.ts";
import { trackFromVideoJson } from "../../../lib/sources/ytdlp_output.ts";

Deno.test("a 70,000-character title is cut to the title limit, on one line, marked as cut", () => {
  const title = boundedTitle(`Song\n\tname ${"x".repeat(70_000)}`);
  assert.equal([...title].length, TEXT_LIMITS.title);
  assert.ok(title.startsWith("Song name x") && title.endsWith("…"));
});

Deno.test("short text stays as it was, apart from whitespace and control characters", () => {
  assert.equal(boundedText("  Café\u0000 del  Mar  ", 50), "Café del Mar");
  assert.equal(boundedTitle("   "), "Untitled");
  assert.equal(boundedText("🎵".repeat(5), 3), "🎵🎵…", "cut on whole characters");
});

Deno.test("text that is long only because of trailing whitespace still says it was cut", () => {
  assert.equal(boundedText(`ab${" ".repeat(10_000)}cd`, 10), "ab…");
});

Deno.test("artists: each bounded, empty ones dropped, at most ten", () => {
  const artists = boundedArtists(["", "A".repeat(500), ...Array(20).fill("B")]);
  assert.equal(artists.length, TEXT_LIMITS.artists);
  assert.equal([...artists[0]].length, TEXT_LIMITS.artist);
});

Deno.test("yt-dlp's title of a page enters the bot bounded", () => {
  const track = trackFromVideoJson(
    { id: "page", title: "T".repeat(70_000), extractor_key: "Generic" },
    "https://example.com/page",
  );
  assert.equal([...track.title].length, TEXT_LIMITS.title);
});
