import assert from "node:assert/strict";
import { createSpotifyApi, isrcOf, type SpotifyApiConfig } from "../../../lib/sources/spotify_api.ts";
import { FAKE_SPOTIFY_SEED as SEED, type FakeSpotify, startFakeSpotify } from "../../fakes/fake_spotify.ts";
import { assertMatch, rejectsWithUserError } from "./spotify_test_helpers.ts";

interface Harness {
  fake: FakeSpotify;
  logs: string[];
  sleeps: number[];
  clock: { now: number };
  api: ReturnType<typeof createSpotifyApi>;
}

async function withApi(
  test: (h: Harness) => Promise<void>,
  overrides: Partial<SpotifyApiConfig> = {},
  expiresInSeconds?: number,
) {
  const fake = startFakeSpotify({ expiresInSeconds });
  const logs: string[] = [];
  const sleeps: number[] = [];
  const clock = { now: 1_000_000 };
  const api = createSpotifyApi({
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    apiUrl: fake.url,
    accountsUrl: fake.url,
    now: () => clock.now,
    sleep: (ms) => (sleeps.push(ms), Promise.resolve()),
    log: (message) => logs.push(message),
    ...overrides,
  });
  try {
    await test({ fake, logs, sleeps, clock, api });
    assertNoSecrets(fake, logs);
  } finally {
    await fake.close();
  }
}

function assertNoSecrets(fake: FakeSpotify, texts: string[]) {
  const tokens = fake.requests.map((r) => r.authorization?.replace(/^Bearer /, "")).filter((t) =>
    t?.startsWith("fake-token")
  );
  for (const text of texts) {
    assert.ok(!text.includes(fake.clientSecret), `secret leaked: ${text}`);
    for (const token of tokens) assert.ok(!text.includes(token!), `token leaked: ${text}`);
  }
}

const tokenRequests = (fake: FakeSpotify) => fake.requests.filter((r) => r.path === "/api/token");
const apiRequests = (fake: FakeSpotify) => fake.requests.filter((r) => r.path.startsWith("/v1/"));

Deno.test("getTrack fetches one token with Basic auth and reuses it", () =>
  withApi(async ({ fake, api }) => {
    const track = await api.getTrack(SEED.track.id);
    assert.deepEqual(track, {
      id: SEED.track.id,
      name: "Lighthouse Keeper",
      artists: ["Marlowe Finch"],
      durationMs: 214_000,
      isrc: "QZHN22600001",
    });
    await api.getTrack(SEED.duet.id);
    assert.equal(tokenRequests(fake).length, 1);
    assert.equal(
      tokenRequests(fake)[0].authorization,
      `Basic ${btoa(`${fake.clientId}:${fake.clientSecret}`)}`,
    );
    const bearers = new Set(apiRequests(fake).map((r) => r.authorization));
    assert.equal(bearers.size, 1);
    assertMatch([...bearers][0]!, /^Bearer fake-token-1-/);
  }));

Deno.test("concurrent first calls share one token request", () =>
  withApi(async ({ fake, api }) => {
    await Promise.all([api.getTrack(SEED.track.id), api.getTrack(SEED.duet.id), api.searchTracks("marlowe")]);
    assert.equal(tokenRequests(fake).length, 1);
  }));

Deno.test("the token is refreshed shortly before it expires", () =>
  withApi(async ({ fake, api, clock }) => {
    await api.getTrack(SEED.track.id);
    clock.now += 3_000_000;
    await api.getTrack(SEED.track.id);
    assert.equal(tokenRequests(fake).length, 1, "still well within its hour");
    clock.now += 600_000 - 30_000; // 30 s before expiry: inside the refresh margin
    await api.getTrack(SEED.track.id);
    assert.equal(tokenRequests(fake).length, 2);
    const bearers = apiRequests(fake).map((r) => r.authorization);
    assert.notEqual(bearers[2], bearers[0]);
  }));

Deno.test("a 401 drops the token, fetches a new one and retries once", () =>
  withApi(async ({ fake, api }) => {
    await api.getTrack(SEED.track.id);
    fake.expireTokens();
    const track = await api.getTrack(SEED.duet.id);
    assert.equal(track.name, "Paper Boats (feat. Ines Row)");
    assert.equal(tokenRequests(fake).length, 2);
    assert.equal(apiRequests(fake).length, 3);
  }));

Deno.test("a second 401 in a row gives up instead of looping", () =>
  withApi(
    async ({ fake, api, logs }) => {
      await rejectsWithUserError(api.getTrack(SEED.track.id), /^Spotify isn't answering properly/);
      assert.equal(tokenRequests(fake).length, 2);
      assert.equal(apiRequests(fake).length, 2);
      assert.equal(logs.length, 1);
      assertMatch(logs[0], /HTTP 401/);
    },
    {},
    0,
  ));

Deno.test("a short 429 is waited out, then the request is retried", () =>
  withApi(async ({ fake, api, sleeps }) => {
    fake.rateLimitNext(2);
    const track = await api.getTrack(SEED.track.id);
    assert.equal(track.id, SEED.track.id);
    assert.deepEqual(sleeps, [2000]);
    assert.equal(apiRequests(fake).length, 2);
  }));

Deno.test("a long 429 becomes a UserError at once", () =>
  withApi(async ({ fake, api, sleeps }) => {
    fake.rateLimitNext(120);
    await rejectsWithUserError(
      api.getTrack(SEED.track.id),
      "Spotify is rate-limiting us, try again in 120 s",
    );
    assert.deepEqual(sleeps, []);
  }));

Deno.test("repeated 429s stop after a bounded number of waits", () =>
  withApi(async ({ fake, api, sleeps }) => {
    fake.rateLimitNext(1, 10);
    await rejectsWithUserError(api.getTrack(SEED.track.id), "Spotify is rate-limiting us, try again in 1 s");
    assert.deepEqual(sleeps, [1000, 1000]);
    assert.equal(apiRequests(fake).length, 3);
  }));

Deno.test("unknown ids are a UserError naming the kind", () =>
  withApi(async ({ api, logs }) => {
    await rejectsWithUserError(
      api.getTrack(SEED.missingId),
      "That Spotify track doesn't exist or isn't public",
    );
    await rejectsWithUserError(
      api.getAlbum(SEED.missingId, 10),
      "That Spotify album doesn't exist or isn't public",
    );
    assert.deepEqual(logs, []);
  }));

Deno.test("getAlbum pages through the album's tracks up to the limit", () =>
  withApi(async ({ fake, api }) => {
    const album = await api.getAlbum(SEED.bigAlbum.id, 55);
    assert.equal(album.name, "The Long Album");
    assert.equal(album.total, 60);
    assert.equal(album.tracks.length, 55);
    assert.equal(album.tracks[54].name, "Song 55");
    const pages = apiRequests(fake).map((r) => [r.path, r.query.offset, r.query.limit]);
    assert.deepEqual(pages, [
      [`/v1/albums/${SEED.bigAlbum.id}`, undefined, undefined],
      [`/v1/albums/${SEED.bigAlbum.id}/tracks`, "50", "5"],
    ]);
    assert.equal((await api.getAlbum(SEED.bigAlbum.id, 500)).tracks.length, 60);
    assert.equal((await api.getAlbum(SEED.bigAlbum.id, 10)).tracks.length, 10);
    assert.equal(apiRequests(fake).length, 5);
  }));

Deno.test("searchTracks asks for at most 10 results", () =>
  withApi(async ({ fake, api }) => {
    const found = await api.searchTracks("marlowe finch", 50);
    assert.deepEqual(found.map((t) => t.name), ["Lighthouse Keeper", "Paper Boats (feat. Ines Row)"]);
    const search = apiRequests(fake).find((r) => r.path.startsWith("/v1/search"))!;
    assert.equal(search.query.limit, "10");
    assert.equal(search.query.type, "track");
  }));

Deno.test("wrong credentials are a UserError that never shows the secret", async () => {
  const fake = startFakeSpotify();
  const logs: string[] = [];
  try {
    const api = createSpotifyApi({
      clientId: fake.clientId,
      clientSecret: "not-the-secret-xyz",
      apiUrl: fake.url,
      accountsUrl: fake.url,
      log: (message) => logs.push(message),
    });
    const error = await rejectsWithUserError(api.getTrack(SEED.track.id), /refused the bot's credentials/);
    const shown = [error.message, String(error.cause), ...logs];
    for (const text of shown) assert.ok(!text.includes("not-the-secret-xyz"), text);
    assert.equal(apiRequests(fake).length, 0);
  } finally {
    await fake.close();
  }
});

Deno.test("an unreachable Spotify is a UserError", async () => {
  const fake = startFakeSpotify();
  await fake.close();
  const logs: string[] = [];
  const api = createSpotifyApi({
    clientId: "id",
    clientSecret: "secret-abc",
    apiUrl: fake.url,
    accountsUrl: fake.url,
    log: (message) => logs.push(message),
  });
  await rejectsWithUserError(api.getTrack(SEED.track.id), /^Spotify isn't answering/);
  assert.ok(logs.every((line) => !line.includes("secret-abc")));
});

Deno.test("base URLs must be bare origins", () => {
  assert.throws(
    () => createSpotifyApi({ clientId: "a", clientSecret: "b", apiUrl: "http://127.0.0.1:9/v1" }),
    /SPOTIFY_API_URL must be an http\(s\) origin/,
  );
  assert.throws(
    () => createSpotifyApi({ clientId: "a", clientSecret: "b", accountsUrl: "ftp://x" }),
    /SPOTIFY_ACCOUNTS_URL/,
  );
});

Deno.test("getPlaylistItems reads /items pages, and answers undefined where the token may not read them", () =>
  withApi(async ({ fake, api, logs }) => {
    const own = await api.getPlaylistItems(SEED.ownPlaylist.id, 55);
    assert.equal(own?.total, 122);
    assert.equal(own?.tracks.length, 55);
    assert.equal(own?.tracks[0].name, "Paper Boats (feat. Ines Row)");
    assert.equal(await api.getPlaylistItems(SEED.playlist.id, 10), undefined);
    await rejectsWithUserError(
      api.getPlaylistItems(SEED.missingId, 10),
      "That Spotify playlist doesn't exist or isn't public",
    );
    assert.ok(
      apiRequests(fake).every((r) => !r.path.endsWith("/tracks") || r.path.startsWith("/v1/albums/")),
    );
    assert.deepEqual(logs, []);
  }));

Deno.test("a token that expires between pages is replaced, and the page read again", async () => {
  let fake: FakeSpotify | undefined;
  let expired = false;
  // The tokens expire just as the second page is asked for, as an hour-old token would.
  const expiring: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (!expired && url.pathname.endsWith("/items") && url.searchParams.get("offset") === "50") {
      expired = true;
      fake!.expireTokens();
    }
    return fetch(input, init);
  };
  await withApi(async (h) => {
    fake = h.fake;
    const own = await h.api.getPlaylistItems(SEED.ownPlaylist.id, 120);
    assert.equal(own?.tracks.length, 120);
    assert.equal(tokenRequests(h.fake).length, 2);
    const items = apiRequests(h.fake).map((r) => r.query.offset);
    assert.deepEqual(items, ["0", "50", "50", "100"]);
  }, { fetch: expiring });
});

Deno.test("an ISRC is kept only when it has an ISRC's shape", () => {
  assert.equal(isrcOf("qzhn22600001"), "QZHN22600001");
  assert.equal(isrcOf("QZ-HN2-26-00001"), "QZHN22600001");
  assert.equal(isrcOf("not an isrc"), undefined);
  assert.equal(isrcOf("QZHN2260000100000"), undefined);
  assert.equal(isrcOf(42), undefined);
});
