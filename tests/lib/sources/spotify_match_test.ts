import assert from "node:assert/strict";
import {
  DURATION_TOLERANCE,
  matchQueries,
  pickYoutubeMatch,
  type SpotifyTrackSource,
} from "../../../lib/sources/spotify_match.ts";

const track: SpotifyTrackSource = {
  kind: "spotify",
  trackId: "0000000000000000track1",
  title: "Lighthouse Keeper",
  artists: ["Marlowe Finch"],
  isrc: "QZHN22600001",
  durationSeconds: 200,
};

const video = (videoId: string, title: string, durationSeconds?: number) => ({
  videoId,
  title,
  durationSeconds,
});

Deno.test("queries: the ISRC first where known, then artist - title", () => {
  assert.deepEqual(matchQueries(track), ["QZHN22600001", "Marlowe Finch - Lighthouse Keeper"]);
  const { isrc: _, ...withoutIsrc } = track;
  assert.deepEqual(matchQueries(withoutIsrc), ["Marlowe Finch - Lighthouse Keeper"]);
  assert.deepEqual(matchQueries({ ...withoutIsrc, artists: ["A", "B"] }), ["A, B - Lighthouse Keeper"]);
  assert.deepEqual(matchQueries({ ...withoutIsrc, artists: [] }), ["Lighthouse Keeper"]);
});

Deno.test("candidates more than 10 % longer or shorter are rejected", () => {
  assert.equal(DURATION_TOLERANCE, 0.1);
  const title = "Marlowe Finch - Lighthouse Keeper";
  assert.equal(pickYoutubeMatch(track, [video("long", title, 221), video("short", title, 179)]), undefined);
  assert.equal(pickYoutubeMatch(track, [video("long", title, 221), video("ok", title, 219)])?.videoId, "ok");
  assert.equal(pickYoutubeMatch(track, [video("unknown", title)])?.videoId, "unknown");
  const { durationSeconds: _, ...noDuration } = track;
  assert.equal(pickYoutubeMatch(noDuration, [video("any", title, 900)])?.videoId, "any");
});

Deno.test("titles with the artist and the title words are preferred", () => {
  const picked = pickYoutubeMatch(track, [
    video("title-only", "Lighthouse Keeper", 200),
    video("both", "Marlowe Finch - Lighthouse Keeper (Official Audio)", 200),
  ]);
  assert.equal(picked?.videoId, "both");
});

Deno.test("live, cover, karaoke and remix are penalized unless Spotify's title has them", () => {
  for (const word of ["Live", "Cover", "Karaoke", "Remix"]) {
    const picked = pickYoutubeMatch(track, [
      video("other", `Marlowe Finch - Lighthouse Keeper (${word})`, 200),
      video("plain", "Lighthouse Keeper", 203),
    ]);
    assert.equal(picked?.videoId, "plain", word);
  }
  const live = { ...track, title: "Lighthouse Keeper - Live at the Pier" };
  const picked = pickYoutubeMatch(live, [
    video("live", "Marlowe Finch - Lighthouse Keeper (Live at the Pier)", 200),
    video("studio", "Marlowe Finch - Lighthouse Keeper", 200),
  ]);
  assert.equal(picked?.videoId, "live");
});

Deno.test("accents, featured artists and remaster tags do not get in the way", () => {
  const duet: SpotifyTrackSource = {
    ...track,
    title: "Café Noir (feat. Ines Row) - 2011 Remaster",
    artists: ["Beyoncé Leclair"],
  };
  const picked = pickYoutubeMatch(duet, [
    video("unrelated", "Harbour Lights full album", 200),
    video("right", "Beyonce Leclair - Cafe Noir ft. Ines Row", 200),
  ]);
  assert.equal(picked?.videoId, "right");
});

Deno.test("nothing is picked when no candidate shares a word", () => {
  assert.equal(pickYoutubeMatch(track, [video("x", "Completely different song", 200)]), undefined);
  assert.equal(pickYoutubeMatch(track, []), undefined);
});

Deno.test("on a tie the search order wins, and the candidate itself is returned", () => {
  const first = { ...video("first", "Marlowe Finch - Lighthouse Keeper", 200), extra: 1 };
  const second = video("second", "Marlowe Finch - Lighthouse Keeper", 200);
  assert.equal(pickYoutubeMatch(track, [first, second]), first);
});

Deno.test("a closer duration breaks a tie in words", () => {
  const picked = pickYoutubeMatch(track, [
    video("off", "Marlowe Finch - Lighthouse Keeper", 215),
    video("close", "Marlowe Finch - Lighthouse Keeper", 201),
  ]);
  assert.equal(picked?.videoId, "close");
});
