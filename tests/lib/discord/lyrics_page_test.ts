import assert from "node:assert/strict";
import {
  lyricsPage,
  lyricsPageId,
  lyricsPages,
  parseLyricsPageId,
} from "../../../lib/discord/lyrics_page.ts";

const TRACK = "0b0c7a0e-6a57-4c1f-9f55-3b1e1c1d2e3f";

Deno.test("lyrics split into pages at line ends, each within the limit", () => {
  const text = Array.from({ length: 300 }, (_, i) => `line ${i} ${"la ".repeat(10)}`).join("\n");
  const pages = lyricsPages(text, 500);
  assert.ok(pages.length > 5);
  assert.ok(pages.every((page) => page.length <= 500));
  assert.equal(pages.join("\n"), text);
  assert.deepEqual(lyricsPages(""), [""]);
  assert.ok(lyricsPages("x".repeat(5_000), 100)[0].length <= 100, "an overlong line is cut");
});

Deno.test("a page shows its place, turns with buttons, and is clamped to the pages there are", () => {
  const text = Array.from({ length: 400 }, (_, i) => `line ${i}`).join("\n");
  const body = lyricsPage({ title: "A *Song*", lyrics: { kind: "plain", text }, page: 99, trackId: TRACK });
  const embed = body.embeds![0];
  assert.equal(embed.title, "Lyrics: A \\*Song\\*");
  assert.match(embed.footer!.text, /^Page 2\/2 · from LRCLIB$/);
  const buttons =
    (body.components![0] as { components: { customId: string; disabled: boolean }[] }).components;
  assert.deepEqual(buttons.map((b) => [b.customId, b.disabled]), [
    [lyricsPageId(1, TRACK), false],
    [lyricsPageId(3, TRACK), true],
  ]);
});

Deno.test("one page has no buttons; synced lyrics point at following them on the card", () => {
  const body = lyricsPage({
    title: "S",
    lyrics: { kind: "synced", lines: [{ atSeconds: 1, text: "Hello" }] },
    page: 1,
    trackId: TRACK,
  });
  assert.equal(body.embeds![0].description, "Hello");
  assert.match(body.embeds![0].footer!.text, /follow along/);
  assert.deepEqual(body.components, []);
});

Deno.test("instrumental and not found are sentences", () => {
  assert.match(
    lyricsPage({ title: "T", lyrics: { kind: "instrumental" }, page: 1, trackId: TRACK }).content!,
    /instrumental/,
  );
  assert.match(
    lyricsPage({ title: "T", lyrics: { kind: "not-found" }, page: 1, trackId: TRACK }).content!,
    /couldn't find/,
  );
});

Deno.test("only button ids of exactly the drawn shape are read", () => {
  assert.deepEqual(parseLyricsPageId(lyricsPageId(3, TRACK)), { page: 3, trackId: TRACK });
  for (
    const bad of [
      "lyrics:page:0:x",
      "lyrics:page:3",
      "lyrics:page:3:a b",
      "queue:page:3",
      `lyrics:page:99999:${TRACK}`,
    ]
  ) {
    assert.equal(parseLyricsPageId(bad), undefined, bad);
  }
});
