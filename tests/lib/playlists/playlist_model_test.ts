import assert from "node:assert/strict";
import { checkName, storable, toPlaylistTrack } from "../../../lib/playlists/playlist_model.ts";
import { UserError } from "../../../lib/user_error.ts";

Deno.test("a playlist name is trimmed and checked, and the reply says what is wrong", () => {
  assert.equal(checkName("  Friday   Night "), "Friday Night");
  const refused: [string, RegExp][] = [
    ["", /Give the playlist a name/],
    ["x".repeat(33), /at most 32 characters/],
    ["a:b", /cannot use/],
    ["<@123>", /cannot use/],
    ["LIKED", /kept for the songs you ♥/],
  ];
  for (const [name, message] of refused) {
    assert.throws(
      () => checkName(name),
      (error: Error) => error instanceof UserError && message.test(error.message),
    );
  }
  assert.equal(checkName("liked", { allowLiked: true }), "liked");
});

Deno.test("a stored track keeps its source, title, link and length, cut to bounds, never its media address", () => {
  const track = toPlaylistTrack({
    source: {
      kind: "spotify",
      trackId: "t",
      title: "T".repeat(300),
      artists: ["a", "b", "c", "d", "e".repeat(90)],
    },
    title: "Song ".repeat(50),
    url: "https://open.spotify.com/track/t",
    durationSeconds: 200,
    media: { url: "https://cdn.example/x", expiresAt: 1 },
  });
  assert.equal("media" in track, false);
  assert.equal(track.title.length, 100);
  assert.equal(track.durationSeconds, 200);
  assert.ok(
    track.source.kind === "spotify" && track.source.artists.length === 3 && track.source.title.length === 100,
  );
  const long = `https://media.example/${"x".repeat(500)}`;
  assert.equal(storable({ source: { kind: "url", url: long }, title: "x", url: long }), false);
  assert.equal(
    storable({ source: { kind: "youtube", videoId: "v" }, title: "x", url: "https://youtu.be/v" }),
    true,
  );
});
