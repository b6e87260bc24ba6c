import assert from "node:assert/strict";
import { parsePlaylistPageId, playlistPage, playlistPageId } from "../../../lib/discord/playlist_page.ts";
import type { PlaylistTrack } from "../../../lib/playlists/playlist_model.ts";

const target = { kind: "user" as const, ownerId: "1200000000000000201", key: "road trip" };

function tracks(count: number, durationSeconds?: number): PlaylistTrack[] {
  return Array.from({ length: count }, (_, i) => ({
    source: { kind: "youtube", videoId: `v${i}` },
    title: `Song ${i + 1}`,
    url: `https://www.youtube.com/watch?v=v${i}`,
    ...(durationSeconds === undefined ? {} : { durationSeconds }),
  }));
}

Deno.test("a page button's id names the owner, playlist and page, and only that exact shape parses back", () => {
  const id = playlistPageId(target, 3);
  assert.ok(id.length <= 100, "fits Discord's custom id limit");
  assert.deepEqual(parsePlaylistPageId(id), { ...target, page: 3 });
  assert.deepEqual(parsePlaylistPageId(playlistPageId({ ...target, kind: "guild" }, 0))?.kind, "guild");
  for (
    const bad of ["pl:page:u:1:3", "pl:page:x:1:3:a", "pl:page:u:1:3:a:b", `pl:page:u:1:3:${"k".repeat(33)}`]
  ) {
    assert.equal(parsePlaylistPageId(bad), undefined, bad);
  }
});

Deno.test("a playlist page lists ten numbered tracks with totals, and ◀ ▶ name the pages around it", () => {
  const body = playlistPage({ title: "Road Trip", list: tracks(25, 60), page: 2, target, kindLabel: "x" });
  const embed = body.embeds![0];
  assert.match(embed.description!, /^\*\*25 tracks\*\* · 25:00 in total\n\n\*\*11\.\*\* \[\*\*Song 11\*\*\]/);
  assert.equal([...embed.description!.matchAll(/^\*\*\d+\.\*\*/gm)].length, 10);
  assert.equal(embed.footer!.text, "Page 2/3 · x");
  const [back, next] =
    (body.components![0] as { components: { customId: string; disabled: boolean }[] }).components;
  assert.deepEqual(parsePlaylistPageId(back.customId)?.page, 1);
  assert.deepEqual(parsePlaylistPageId(next.customId)?.page, 3);
  assert.deepEqual([back.disabled, next.disabled], [false, false]);
});

Deno.test("a page past the end shows the last; unknown lengths are said, not counted as zero", () => {
  const body = playlistPage({
    title: "x",
    list: [...tracks(3), ...tracks(2, 30)],
    page: 99,
    target,
    kindLabel: "x",
  });
  assert.match(body.embeds![0].description!, /^\*\*5 tracks\*\* · 1:00 in total, plus 3 of unknown length/);
  assert.equal(body.embeds![0].footer!.text, "Page 1/1 · x");
  const empty = playlistPage({ title: "x", list: [], page: 1, target, kindLabel: "x" });
  assert.equal(empty.embeds![0].description, "No tracks yet.");
  assert.deepEqual(empty.components, []);
  assert.match(
    playlistPage({ title: "x", list: tracks(2), page: 1, target, kindLabel: "x" }).embeds![0].description!,
    /^\*\*2 tracks\*\* · length unknown/,
  );
});
