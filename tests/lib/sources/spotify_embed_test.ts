import assert from "node:assert/strict";
import { createSpotifyEmbed, parseEmbedTrack } from "../../../lib/sources/spotify_embed.ts";
import { type EmbedBreakage, FAKE_SPOTIFY_SEED as SEED, startFakeSpotify } from "../../fakes/fake_spotify.ts";
import { assertMatch, rejectsWithUserError } from "./spotify_test_helpers.ts";

async function withEmbed(
  test: (embed: ReturnType<typeof createSpotifyEmbed>, logs: string[]) => Promise<void>,
) {
  const fake = startFakeSpotify();
  const logs: string[] = [];
  try {
    await test(createSpotifyEmbed({ embedUrl: fake.url, log: (m) => logs.push(m) }), logs);
  } finally {
    await fake.close();
  }
}

Deno.test("a track page gives title, artists and duration", () =>
  withEmbed(async (embed) => {
    assert.deepEqual(await embed.getTrack(SEED.duet.id), {
      trackId: SEED.duet.id,
      title: "Paper Boats (feat. Ines Row)",
      artists: ["Marlowe Finch", "Ines Row"],
      durationMs: 187_500,
    });
  }));

Deno.test("an album page lists its tracks with the artists as Spotify joined them", () =>
  withEmbed(async (embed) => {
    const album = await embed.getCollection("album", SEED.album.id);
    assert.equal(album.name, "Harbour Lights");
    assert.equal(album.capped, false);
    assert.deepEqual(album.tracks.map((t) => [t.title, t.artists, t.durationMs]), [
      ["Lighthouse Keeper", ["Marlowe Finch"], 214_000],
      ["Paper Boats (feat. Ines Row)", ["Marlowe Finch, Ines Row"], 187_500],
      ["Static Bloom", ["The Quiet Hours"], 241_000],
    ]);
  }));

Deno.test("a playlist page skips entries that are not tracks", () =>
  withEmbed(async (embed) => {
    const playlist = await embed.getCollection("playlist", SEED.playlist.id);
    assert.deepEqual(playlist.tracks.map((t) => t.trackId), [SEED.quietTrack.id, SEED.track.id]);
  }));

Deno.test("a long playlist shows its first 100 entries and says it was capped", () =>
  withEmbed(async (embed) => {
    const playlist = await embed.getCollection("playlist", SEED.bigPlaylist.id);
    assert.equal(playlist.tracks.length, 100);
    assert.equal(playlist.capped, true);
    assert.equal(playlist.tracks[99].title, "Song 100");
  }));

Deno.test("Spotify's not-found page (HTTP 200, no state) is a missing item", () =>
  withEmbed(async (embed, logs) => {
    await rejectsWithUserError(
      embed.getTrack(SEED.missingId),
      "That Spotify track doesn't exist or isn't public",
    );
    await rejectsWithUserError(
      embed.getCollection("playlist", SEED.missingId),
      "That Spotify playlist doesn't exist or isn't public",
    );
    assert.deepEqual(logs, []);
  }));

for (const breakage of ["no_next_data", "changed_shape", "not_json"] as EmbedBreakage[]) {
  Deno.test(`a changed page (${breakage}) is a clear UserError, logged without the page's token`, async () => {
    const fake = startFakeSpotify();
    const logs: string[] = [];
    try {
      fake.breakEmbedPages(breakage);
      const embed = createSpotifyEmbed({ embedUrl: fake.url, log: (m) => logs.push(m) });
      await rejectsWithUserError(embed.getTrack(SEED.track.id), "Spotify's page changed; can't read it");
      await rejectsWithUserError(
        embed.getCollection("album", SEED.album.id),
        "Spotify's page changed; can't read it",
      );
      assert.equal(logs.length, 2);
      assertMatch(logs[0], /embed\/track\/.* not understood/);
      assert.ok(logs.every((line) => !line.includes("fake-anonymous-embed-token")));
    } finally {
      await fake.close();
    }
  });
}

Deno.test("an entity of the wrong kind counts as a changed page", () => {
  const html = `<script id="__NEXT_DATA__" type="application/json">${
    JSON.stringify({ props: { pageProps: { state: { data: { entity: { type: "episode", name: "x" } } } } } })
  }</script>`;
  assert.throws(() => parseEmbedTrack(html, SEED.track.id), { name: "EmbedPageChangedError" });
});

Deno.test("the injected fetch is used, and HTTP errors become UserErrors", async () => {
  const seen: string[] = [];
  const answers = [
    new Response("", { status: 429, headers: { "retry-after": "30" } }),
    new Response("", { status: 503 }),
  ];
  const embed = createSpotifyEmbed({
    embedUrl: "http://127.0.0.1:1/",
    fetch: (input) => (seen.push(String(input)), Promise.resolve(answers.shift()!)),
    log: () => {},
  });
  await rejectsWithUserError(embed.getTrack(SEED.track.id), "Spotify is rate-limiting us, try again in 30 s");
  await rejectsWithUserError(embed.getTrack(SEED.track.id), /^Spotify isn't answering properly/);
  assert.deepEqual(seen, [1, 2].map(() => `http://127.0.0.1:1/embed/track/${SEED.track.id}`));
});
