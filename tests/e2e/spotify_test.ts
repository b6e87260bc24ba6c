/**
 * Spotify links end to end: the bot reads the track from Spotify (here its public embed page, as without
 * credentials), finds the matching YouTube video only when the track is about to play — rejecting a cover
 * and a video of the wrong length — remembers the match, and plays it.
 */
import assert from "node:assert/strict";
import { FAKE_SPOTIFY_SEED, startFakeSpotify } from "../fakes/fake_spotify.ts";
import { FakeYoutube } from "../fakes/fake_youtube.ts";
import { worldTest } from "./with_world.ts";
import { toneOrder } from "./received_audio.ts";

const [COVER, WRONG_LENGTH, RIGHT] = [300, 500, 700];

worldTest(
  "a Spotify track link plays the YouTube video that matches it, and the match is remembered",
  async (world) => {
    const spotify = startFakeSpotify();
    try {
      const youtube = await FakeYoutube.create(world, {
        videos: [
          {
            id: "coverVideo1",
            title: "Lighthouse Keeper (Live Cover)",
            frequencyHz: COVER,
            seconds: 2,
            listedSeconds: 214,
          },
          {
            id: "longVideo01",
            title: "Marlowe Finch - Lighthouse Keeper",
            frequencyHz: WRONG_LENGTH,
            seconds: 2,
            listedSeconds: 400,
          },
          {
            id: "rightVideo1",
            title: "Marlowe Finch - Lighthouse Keeper",
            frequencyHz: RIGHT,
            seconds: 2,
            listedSeconds: 215,
          },
        ],
        searches: { "marlowe finch - lighthouse keeper": ["coverVideo1", "longVideo01", "rightVideo1"] },
      });
      await world.startBot({
        ...youtube.env,
        SPOTIFY_API_URL: spotify.url,
        SPOTIFY_ACCOUNTS_URL: spotify.url,
        SPOTIFY_EMBED_URL: spotify.url,
      });
      const link = `https://open.spotify.com/intl-de/track/${FAKE_SPOTIFY_SEED.track.id}?si=abc`;

      const reply = await world.play(link).waitForMessage(undefined, 30_000);
      assert.ok(/Lighthouse Keeper/.test(String(reply.body.content)), String(reply.body.content));
      await world.voice.waitUntil(() => world.voice.audioPackets().length >= 90, 30_000, "the matched video");
      const searches = youtube.innertube.searches.length;
      assert.equal(searches, 1, "one search found the match");
      assert.equal(youtube.requests("search").length, 0, "in process, with no yt-dlp run");

      await world.play(`spotify:track:${FAKE_SPOTIFY_SEED.track.id}`).waitForMessage(undefined, 30_000);
      await world.voice.waitUntil(() => world.voice.audioPackets().length >= 190, 30_000, "the repeat");
      assert.equal(youtube.innertube.searches.length, searches, "the remembered match needs no search");
      assert.deepEqual(
        await toneOrder(world.voice.audioPackets(), world.dataDir, [COVER, WRONG_LENGTH, RIGHT]),
        [RIGHT],
      );
      assert.ok(
        spotify.requests.every((request) => request.path.startsWith("/embed/")),
        "no Web API without credentials",
      );
    } finally {
      await spotify.close();
    }
  },
);

worldTest(
  "with credentials, the owner's playlist is read through /items and plays; no secret or token is printed",
  async (world) => {
    const spotify = startFakeSpotify();
    try {
      const youtube = await FakeYoutube.create(world, {
        videos: [{
          id: "paperBoats1",
          title: "Marlowe Finch, Ines Row - Paper Boats",
          frequencyHz: RIGHT,
          seconds: 2,
          listedSeconds: 188,
        }],
        searches: { "marlowe finch, ines row - paper boats (feat. ines row)": ["paperBoats1"] },
      });
      await world.startBot({
        ...youtube.env,
        SPOTIFY_CLIENT_ID: spotify.clientId,
        SPOTIFY_CLIENT_SECRET: spotify.clientSecret,
        SPOTIFY_API_URL: spotify.url,
        SPOTIFY_ACCOUNTS_URL: spotify.url,
        SPOTIFY_EMBED_URL: spotify.url,
        TRAZOM_PLAYLIST_LIMIT: "60",
      });
      const reply = await world.play(`https://open.spotify.com/playlist/${FAKE_SPOTIFY_SEED.ownPlaylist.id}`)
        .waitForMessage(undefined, 30_000);
      const text = String(reply.body.content);
      assert.ok(/Queued 60 tracks/.test(text) && /first 60 of the playlist's 122 tracks/.test(text), text);
      await world.voice.waitUntil(() => world.voice.audioPackets().length >= 90, 30_000, "the first track");
      assert.deepEqual(await toneOrder(world.voice.audioPackets(), world.dataDir, [RIGHT]), [RIGHT]);

      const paths = spotify.requests.map((request) => request.path);
      assert.ok(paths.includes(`/v1/playlists/${FAKE_SPOTIFY_SEED.ownPlaylist.id}/items`), paths.join(" "));
      assert.ok(!paths.some((path) => path.startsWith("/embed/")), "no embed page was needed");
      const tokens = spotify.requests.flatMap((request) =>
        request.authorization?.startsWith("Bearer ") ? [request.authorization.slice(7)] : []
      );
      assert.ok(tokens.length > 0);
      for (const secret of [spotify.clientSecret, ...tokens]) {
        assert.ok(!world.botOutput.includes(secret), "the bot printed a Spotify secret");
      }
    } finally {
      await spotify.close();
    }
  },
);

worldTest(
  "with credentials, a track with an ISRC is matched by searching the ISRC before its name",
  async (world) => {
    const spotify = startFakeSpotify();
    try {
      const youtube = await FakeYoutube.create(world, {
        videos: [
          // The label's upload, found by its ISRC; the name search finds another upload first.
          {
            id: "isrcVideo01",
            title: "Lighthouse Keeper",
            frequencyHz: RIGHT,
            seconds: 2,
            listedSeconds: 214,
          },
          {
            id: "nameVideo01",
            title: "Marlowe Finch - Lighthouse Keeper",
            frequencyHz: COVER,
            seconds: 2,
            listedSeconds: 214,
          },
        ],
        searches: {
          [FAKE_SPOTIFY_SEED.track.isrc!]: ["isrcVideo01"],
          "marlowe finch - lighthouse keeper": ["nameVideo01"],
        },
      });
      await world.startBot({
        ...youtube.env,
        SPOTIFY_CLIENT_ID: spotify.clientId,
        SPOTIFY_CLIENT_SECRET: spotify.clientSecret,
        SPOTIFY_API_URL: spotify.url,
        SPOTIFY_ACCOUNTS_URL: spotify.url,
        SPOTIFY_EMBED_URL: spotify.url,
      });
      await world.play(`https://open.spotify.com/track/${FAKE_SPOTIFY_SEED.track.id}`)
        .waitForMessage(undefined, 30_000);
      await world.voice.waitUntil(() => world.voice.audioPackets().length >= 90, 30_000, "the matched video");
      assert.deepEqual(await toneOrder(world.voice.audioPackets(), world.dataDir, [COVER, RIGHT]), [RIGHT]);
      assert.deepEqual(youtube.innertube.searches.map((search) => search.query), ["QZHN22600001"]);
    } finally {
      await spotify.close();
    }
  },
);
