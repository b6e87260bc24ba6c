import assert from "node:assert/strict";
import {
  exportFileName,
  LINE_MAX,
  parsePlaylistText,
  playlistText,
} from "../../../lib/playlists/playlist_text.ts";
import type { Playlist } from "../../../lib/playlists/playlist_model.ts";

Deno.test("a text file gives its links and searches in order, without comments, blanks or titles", () => {
  const text =
    "\uFEFF# my mix\r\nhttps://youtu.be/abc # Some Title\n\n  lofi   beats  \n\thttp://x.example/a.mp3\n#x\n";
  assert.deepEqual(parsePlaylistText(text, 10), {
    lines: ["https://youtu.be/abc", "lofi beats", "http://x.example/a.mp3"],
    beyondCap: 0,
    tooLong: 0,
  });
});

Deno.test("lines past the cap and over-long lines are counted, not taken", () => {
  const text = ["a", "x".repeat(LINE_MAX + 1), "b", "c", "d"].join("\n");
  assert.deepEqual(parsePlaylistText(text, 2), { lines: ["a", "b"], beyondCap: 2, tooLong: 1 });
});

Deno.test("control characters never reach a search", () => {
  assert.deepEqual(parsePlaylistText("song\u0000 name\u001b[31m", 5).lines, ["song name[31m"]);
});

Deno.test("an exported playlist reads back as the same links", () => {
  const playlist: Playlist = {
    key: "road trip",
    name: "Road Trip",
    tracks: 2,
    updatedAt: 0,
    list: [
      {
        source: { kind: "youtube", videoId: "a" },
        title: "One\nTwo # three",
        url: "https://www.youtube.com/watch?v=a",
      },
      { source: { kind: "url", url: "http://127.0.0.1/x.mp3" }, title: "X", url: "http://127.0.0.1/x.mp3" },
    ],
  };
  const text = playlistText(playlist);
  assert.match(text, /^# Road Trip: 2 tracks/);
  assert.deepEqual(parsePlaylistText(text, 10).lines, playlist.list.map((track) => track.url));
  assert.equal(exportFileName(playlist), "Road_Trip.txt");
  assert.equal(exportFileName({ name: "///" }), "playlist.txt");
});
