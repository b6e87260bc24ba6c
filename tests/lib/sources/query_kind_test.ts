import assert from "node:assert/strict";
import fc from "fast-check";
import { classifyQuery, MAX_QUERY_LENGTH, type Query } from "../../../lib/sources/query_kind.ts";
import { UserError } from "../../../lib/user_error.ts";

const V = "dQw4w9WgXcQ";
const WATCH = `https://www.youtube.com/watch?v=${V}`;
const PL = "PLFgquLnL59alCl_2TQvOiD5Vgm1hCaGSI";
const SP = "4cOdK2wGLETKBW3PvgPWqT";
const video: Query = { kind: "youtube-video", videoId: V, url: WATCH };
const playlist: Query = {
  kind: "youtube-playlist",
  playlistId: PL,
  url: `https://www.youtube.com/playlist?list=${PL}`,
};

const ACCEPTED: readonly [string, Query][] = [
  [`https://www.youtube.com/watch?v=${V}`, video],
  [`http://youtube.com/watch?v=${V}`, video],
  [`https://m.youtube.com/watch?v=${V}&feature=share`, video],
  [`www.youtube.com/watch?v=${V}`, video],
  [`youtube.com/watch?v=${V}`, video],
  [`https://www.youtube.com/watch?app=desktop&v=${V}&t=42s`, video],
  [`https://youtu.be/${V}`, video],
  [`https://youtu.be/${V}?si=AbCdEfGhIjKlMnOp`, video],
  [`youtu.be/${V}?t=30`, video],
  [`https://www.youtube.com/shorts/${V}`, video],
  [`https://youtube.com/shorts/${V}?si=xyz`, video],
  [`https://music.youtube.com/watch?v=${V}&si=abc`, video],
  [`https://www.youtube.com/embed/${V}?autoplay=1`, video],
  [`https://www.youtube-nocookie.com/embed/${V}`, video],
  [`https://www.youtube.com/live/${V}?feature=shared`, video],
  [`https://WWW.YouTube.COM/watch?v=${V}`, video],
  [`https://www.youtube.com./watch?v=${V}`, video],
  [`  https://youtu.be/${V}  `, video],
  [`https://www.youtube.com/watch?v=${V}&list=${PL}&index=3`, video],
  [`https://www.youtube.com/watch?v=${V}&list=RD${V}&start_radio=1`, video],
  [`https://www.youtube.com/playlist?list=${PL}`, playlist],
  [`https://music.youtube.com/playlist?list=${PL}&si=abc`, playlist],
  [`youtube.com/playlist?list=${PL}`, playlist],
  [`https://www.youtube.com/watch?list=${PL}`, playlist],
  [`https://www.youtube.com/results?search_query=never+gonna`, { kind: "search", text: "never gonna" }],
  [`https://open.spotify.com/track/${SP}`, { kind: "spotify", type: "track", id: SP }],
  [`https://open.spotify.com/track/${SP}?si=0123456789abcdef`, { kind: "spotify", type: "track", id: SP }],
  [`https://open.spotify.com/intl-de/track/${SP}?si=x`, { kind: "spotify", type: "track", id: SP }],
  [`https://open.spotify.com/intl-pt-BR/album/${SP}`, { kind: "spotify", type: "album", id: SP }],
  [`open.spotify.com/playlist/${SP}`, { kind: "spotify", type: "playlist", id: SP }],
  [`https://open.spotify.com/embed/track/${SP}`, { kind: "spotify", type: "track", id: SP }],
  [`spotify:track:${SP}`, { kind: "spotify", type: "track", id: SP }],
  [`spotify:album:${SP}`, { kind: "spotify", type: "album", id: SP }],
  [`spotify:user:someone:playlist:${SP}`, { kind: "spotify", type: "playlist", id: SP }],
  ["https://example.com/music/song.mp3", {
    kind: "http",
    url: new URL("https://example.com/music/song.mp3"),
  }],
  ["http://radio.example.org:8000/stream", {
    kind: "http",
    url: new URL("http://radio.example.org:8000/stream"),
  }],
  ["https://soundcloud.com/artist/track", {
    kind: "site",
    site: "soundcloud",
    url: "https://soundcloud.com/artist/track",
  }],
  ["m.soundcloud.com/artist/track?si=abc&utm_source=x", {
    kind: "site",
    site: "soundcloud",
    url: "https://soundcloud.com/artist/track",
  }],
  ["https://on.soundcloud.com/Ab3dE", {
    kind: "site",
    site: "soundcloud",
    url: "https://on.soundcloud.com/Ab3dE",
  }],
  ["https://Some-Band.bandcamp.com/track/first-light?from=embed", {
    kind: "site",
    site: "bandcamp",
    url: "https://some-band.bandcamp.com/track/first-light",
  }],
  ["some-band.bandcamp.com/track/first-light", {
    kind: "site",
    site: "bandcamp",
    url: "https://some-band.bandcamp.com/track/first-light",
  }],
  ["line\u0000one", { kind: "search", text: "line one" }],
  // WHATWG parsing normalizes numeric hosts; the address guard then sees 127.0.0.1.
  ["http://2130706433/a.mp3", { kind: "http", url: new URL("http://127.0.0.1/a.mp3") }],
  ["never gonna give you up", { kind: "search", text: "never gonna give you up" }],
  ["  rick   astley\n never  ", { kind: "search", text: "rick astley never" }],
  ["--exec 'rm -rf ~'", { kind: "search", text: "--exec 'rm -rf ~'" }],
  ["-f best", { kind: "search", text: "-f best" }],
  ["Intro: The Beginning", { kind: "search", text: "Intro: The Beginning" }],
  ["spotify: top hits 2024", { kind: "search", text: "spotify: top hits 2024" }],
  ["ac/dc back in black", { kind: "search", text: "ac/dc back in black" }],
  ["ytsearch100:cats", { kind: "search", text: "ytsearch100:cats" }],
  ["example.com/song.mp3", { kind: "search", text: "example.com/song.mp3" }],
];

const REFUSED: readonly [string, RegExp][] = [
  ["", /song name or paste a link/],
  ["   \n ", /song name or paste a link/],
  ["x".repeat(MAX_QUERY_LENGTH + 1), /501 characters/],
  ["file:///etc/passwd", /not "file:"/],
  ["FILE:///etc/passwd", /not "file:"/],
  ["ftp://example.com/a.mp3", /not "ftp:"/],
  ["data:audio/mp3;base64,AAAA", /not "data:"/],
  ["javascript:alert(1)", /not "javascript:"/],
  ["gopher://example.com/", /not "gopher:"/],
  ["foo://bar", /not "foo:"/],
  ["https://", /malformed/],
  ["http://exa mple.com/a.mp3", /malformed/],
  ["http://[::1/", /malformed/],
  ["https://user:pw@example.com/a.mp3", /user name or password/],
  [`https://www.youtube.com/watch?v=short`, /no valid video id/],
  [`https://youtu.be/`, /no valid video id/],
  [`https://www.youtube.com/watch?v=${V}extra`, /no valid video id/],
  [`https://www.youtube.com/playlist?list=${"x".repeat(80)}`, /no valid playlist id/],
  [`https://www.youtube.com/@RickAstleyYT`, /not this kind of page/],
  [`https://www.youtube.com/channel/UCuAXFkgsw1L7xaCfnd5JJOw`, /not this kind of page/],
  [`https://open.spotify.com/artist/${SP}`, /not this/],
  [`https://open.spotify.com/episode/${SP}`, /not this/],
  [`https://open.spotify.com/track/tooShort`, /no valid id/],
  [`spotify:track:${SP}:extra`, /malformed/],
  ["https://spotify.link/AbCdEf", /full open\.spotify\.com link/],
  ["\u0000\u0001", /no words to search for in "\\u0000\\u0001"/],
  [" \u202e\u200b ", /no words to search for in "\\u202e\\u200b"/],
  ["https://soundcloud.com/artist/sets/summer", /single SoundCloud tracks/],
  ["https://soundcloud.com/artist", /single SoundCloud tracks/],
  ["https://some-band.bandcamp.com/album/first", /single Bandcamp tracks/],
];

Deno.test("classifyQuery understands real-world links and searches", () => {
  for (const [text, expected] of ACCEPTED) {
    assert.deepEqual(classifyQuery(text), expected, `for ${JSON.stringify(text)}`);
  }
});

Deno.test("classifyQuery refuses with a UserError that says why", () => {
  for (const [text, reason] of REFUSED) {
    assert.throws(() => classifyQuery(text), (error: unknown) => {
      assert.ok(error instanceof UserError, `UserError for ${JSON.stringify(text)}`);
      assert.ok(reason.test(error.message), `for ${JSON.stringify(text)}: ${error.message}`);
      return true;
    });
  }
});

Deno.test("a query of exactly the maximum length is still a search", () => {
  const text = "a".repeat(MAX_QUERY_LENGTH);
  assert.deepEqual(classifyQuery(text), { kind: "search", text });
});

Deno.test("refusals quote the offending value, shortened", () => {
  const long = `file:///${"x".repeat(200)}`;
  assert.throws(() => classifyQuery(`https://www.youtube.com/watch?v=${"y".repeat(150)}`), /\.\.\."\.$/);
  assert.throws(() => classifyQuery(long), /"file:"/);
});

Deno.test("any text is either a query or a UserError, and searches carry no invisible characters", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 60 }), (text) => {
      let query;
      try {
        query = classifyQuery(text);
      } catch (error) {
        assert.ok(error instanceof UserError, `${JSON.stringify(text)} threw ${error}`);
        return;
      }
      if (query.kind === "search") {
        assert.ok(!/[\p{Cc}\p{Cs}]/u.test(query.text), JSON.stringify(query.text));
        assert.ok(query.text.trim() !== "");
      }
    }),
    { numRuns: 2000 },
  );
});
