import assert from "node:assert/strict";
import { createSpotifyResolver } from "../../../lib/sources/spotify_resolver.ts";
import { FAKE_SPOTIFY_SEED as SEED, type FakeSpotify, startFakeSpotify } from "../../fakes/fake_spotify.ts";
import { rejectsWithUserError } from "./spotify_test_helpers.ts";

type Resolver = ReturnType<typeof createSpotifyResolver>;

async function withResolver(
  credentials: boolean,
  test: (resolver: Resolver, fake: FakeSpotify) => Promise<void>,
) {
  const fake = startFakeSpotify();
  try {
    const resolver = createSpotifyResolver({
      ...(credentials ? { clientId: fake.clientId, clientSecret: fake.clientSecret } : {}),
      apiUrl: fake.url,
      accountsUrl: fake.url,
      embedUrl: fake.url,
      log: () => {},
    });
    await test(resolver, fake);
  } finally {
    await fake.close();
  }
}

const paths = (fake: FakeSpotify) => fake.requests.map((r) => r.path);

Deno.test("without credentials a track comes from its embed page, with no ISRC", () =>
  withResolver(false, async (resolver, fake) => {
    const { tracks, note } = await resolver.resolve({ type: "track", id: SEED.track.id }, 50);
    assert.deepEqual(tracks, [{
      source: {
        kind: "spotify",
        trackId: SEED.track.id,
        title: "Lighthouse Keeper",
        artists: ["Marlowe Finch"],
        durationSeconds: 214,
      },
      title: "Marlowe Finch - Lighthouse Keeper",
      url: `https://open.spotify.com/track/${SEED.track.id}`,
      durationSeconds: 214,
    }]);
    assert.equal(note, undefined);
    assert.deepEqual(paths(fake), [`/embed/track/${SEED.track.id}`]);
  }));

Deno.test("with credentials a track comes from the Web API (no ISRC for apps since 2026)", () =>
  withResolver(true, async (resolver, fake) => {
    const { tracks } = await resolver.resolve({ type: "track", id: SEED.duet.id }, 50);
    assert.deepEqual(tracks[0].source, {
      kind: "spotify",
      trackId: SEED.duet.id,
      title: "Paper Boats (feat. Ines Row)",
      artists: ["Marlowe Finch", "Ines Row"],
      durationSeconds: 188,
    });
    assert.equal(tracks[0].title, "Marlowe Finch, Ines Row - Paper Boats (feat. Ines Row)");
    assert.deepEqual(paths(fake), ["/api/token", `/v1/tracks/${SEED.duet.id}`]);
  }));

Deno.test("with credentials an album comes from the Web API and notes the limit", () =>
  withResolver(true, async (resolver, fake) => {
    const { tracks, note } = await resolver.resolve({ type: "album", id: SEED.bigAlbum.id }, 50);
    assert.equal(tracks.length, 50);
    assert.equal(note, "Queued the first 50 of the album's 60 tracks.");
    assert.ok(paths(fake).every((path) => !path.startsWith("/embed/")));
    const all = await resolver.resolve({ type: "album", id: SEED.bigAlbum.id }, 500);
    assert.equal(all.tracks.length, 60);
    assert.equal(all.note, undefined);
  }));

Deno.test("without credentials an album comes from its embed page", () =>
  withResolver(false, async (resolver, fake) => {
    const { tracks, note } = await resolver.resolve({ type: "album", id: SEED.album.id }, 50);
    assert.deepEqual(tracks.map((t) => t.title), [
      "Marlowe Finch - Lighthouse Keeper",
      "Marlowe Finch, Ines Row - Paper Boats (feat. Ines Row)",
      "The Quiet Hours - Static Bloom",
    ]);
    assert.equal(note, undefined);
    assert.deepEqual(paths(fake), [`/embed/album/${SEED.album.id}`]);
  }));

for (const credentials of [true, false]) {
  Deno.test(`a playlist the token may not read comes from the embed page (credentials: ${credentials})`, () =>
    withResolver(credentials, async (resolver, fake) => {
      const { tracks, note } = await resolver.resolve({ type: "playlist", id: SEED.bigPlaylist.id }, 500);
      assert.equal(tracks.length, 100);
      assert.equal(
        note,
        "Spotify only shows the first 100 tracks of a playlist to apps like this one; queued 100.",
      );
      const items = `/v1/playlists/${SEED.bigPlaylist.id}/items`;
      const expected = credentials ? ["/api/token", items] : [];
      assert.deepEqual(paths(fake), [...expected, `/embed/playlist/${SEED.bigPlaylist.id}`]);
      assert.ok(
        !paths(fake).some((path) => path.endsWith("/tracks")),
        "the route closed in 2026 is not used",
      );
    }));
}

Deno.test("a playlist the token may read comes from /items, past the embed page's 100, without episodes", () =>
  withResolver(true, async (resolver, fake) => {
    const { tracks, note } = await resolver.resolve({ type: "playlist", id: SEED.ownPlaylist.id }, 500);
    assert.equal(tracks.length, 121);
    assert.equal(tracks[0].title, "Marlowe Finch, Ines Row - Paper Boats (feat. Ines Row)");
    assert.equal(tracks[1].title, "The Long Players - Song 1");
    assert.equal(note, undefined, "the episode is left out, but nothing was cut");
    const pages = fake.requests.filter((r) => r.path.endsWith("/items")).map((
      r,
    ) => [r.query.offset, r.query.limit]);
    assert.deepEqual(pages, [["0", "50"], ["50", "50"], ["100", "50"]]);
    assert.ok(paths(fake).every((path) => !path.startsWith("/embed/")));

    const capped = await resolver.resolve({ type: "playlist", id: SEED.ownPlaylist.id }, 60);
    assert.equal(capped.tracks.length, 60);
    assert.equal(capped.note, "Queued the first 60 of the playlist's 122 tracks.");
  }));

Deno.test("a smaller limit than the page wins and is what the note says", () =>
  withResolver(false, async (resolver) => {
    const { tracks, note } = await resolver.resolve({ type: "playlist", id: SEED.bigPlaylist.id }, 20);
    assert.equal(tracks.length, 20);
    assert.equal(note, "Queued the first 20 tracks of the playlist.");
    const small = await resolver.resolve({ type: "playlist", id: SEED.playlist.id }, 20);
    assert.equal(small.tracks.length, 2);
    assert.equal(small.note, undefined);
  }));

for (const credentials of [true, false]) {
  Deno.test(`unknown ids are "doesn't exist or isn't public" (credentials: ${credentials})`, () =>
    withResolver(credentials, async (resolver) => {
      for (const type of ["track", "album", "playlist"] as const) {
        await rejectsWithUserError(
          resolver.resolve({ type, id: SEED.missingId }, 10),
          `That Spotify ${type} doesn't exist or isn't public`,
        );
      }
    }));
}

Deno.test("ids that are not 22 base62 characters never reach the network", () =>
  withResolver(true, async (resolver, fake) => {
    await rejectsWithUserError(
      resolver.resolve({ type: "track", id: "../../v1/me" }, 1),
      /is not a Spotify track id/,
    );
    assert.deepEqual(fake.requests, []);
  }));
