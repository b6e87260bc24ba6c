import assert from "node:assert/strict";
import { ConfigError, parseByteSize, parseConfig } from "../config.ts";

/** A made-up token of the right shape: base64 of a snowflake, then two more parts. */
const TOKEN = `${btoa("123456789012345678")}.Gx1234.secret-part`;
const minimal = { DISCORD_TOKEN: TOKEN };

Deno.test("a token alone gives the documented defaults", () => {
  const config = parseConfig(minimal);
  assert.equal(config.discordApiUrl, "https://discord.com/api");
  assert.equal(config.discordGatewayUrl, undefined);
  assert.equal(config.dataDir, "./data");
  assert.equal(config.cacheDir, "data/cache");
  assert.equal(config.cacheLimitBytes, 2 * 1024 ** 3);
  assert.equal(config.loudnessLufs, -16);
  assert.equal(config.allowPrivateUrls, false);
  assert.equal(config.ffmpegPath, undefined);
  assert.equal(config.ytdlpPath, "yt-dlp");
  assert.equal(config.spotify.apiUrl, "https://api.spotify.com");
  assert.equal(config.prefetch, 2);
});

Deno.test("every value can be set from the environment", () => {
  const config = parseConfig({
    ...minimal,
    DISCORD_API_URL: "http://127.0.0.1:9000/api/",
    DISCORD_GATEWAY_URL: "ws://127.0.0.1:9001",
    TRAZOM_DATA_DIR: "/srv/trazom",
    TRAZOM_CACHE_LIMIT: "500MB",
    TRAZOM_LOUDNESS: "-14.5",
    TRAZOM_ALLOW_PRIVATE_URLS: "1",
    FFMPEG_PATH: "/opt/ffmpeg",
    SPOTIFY_CLIENT_ID: "id",
    SPOTIFY_CLIENT_SECRET: "secret",
  });
  assert.equal(config.discordApiUrl, "http://127.0.0.1:9000/api");
  assert.equal(config.discordGatewayUrl, "ws://127.0.0.1:9001");
  assert.equal(config.cacheDir, "/srv/trazom/cache");
  assert.equal(config.cacheLimitBytes, 500_000_000);
  assert.equal(config.loudnessLufs, -14.5);
  assert.equal(config.allowPrivateUrls, true);
  assert.equal(config.ffmpegPath, "/opt/ffmpeg");
  assert.equal(config.spotify.clientSecret, "secret");
});

Deno.test("all problems are reported at once, each naming the variable and the bad value", () => {
  let error: unknown;
  try {
    parseConfig({
      TRAZOM_CACHE_LIMIT: "lots",
      TRAZOM_LOUDNESS: "loud",
      DISCORD_API_URL: "file:///etc",
      TRAZOM_ALLOW_PRIVATE_URLS: "maybe",
      SPOTIFY_CLIENT_ID: "only-the-id",
    });
  } catch (thrown) {
    error = thrown;
  }
  assert.ok(error instanceof ConfigError);
  const text = error.problems.join("\n");
  for (
    const expected of [
      "DISCORD_TOKEN",
      '"lots"',
      '"loud"',
      '"file:///etc"',
      '"maybe"',
      "SPOTIFY_CLIENT_SECRET",
    ]
  ) {
    assert.ok(text.includes(expected), `expected the problems to mention ${expected}:\n${text}`);
  }
});

Deno.test("a malformed token is refused without echoing it", () => {
  let error: unknown;
  try {
    parseConfig({ DISCORD_TOKEN: "not-a-token-secret" });
  } catch (thrown) {
    error = thrown;
  }
  assert.ok(error instanceof ConfigError);
  assert.ok(error.message.includes("does not look like a Discord bot token"));
  assert.ok(!error.message.includes("not-a-token-secret"));
});

Deno.test("the parsed configuration cannot be changed afterwards", () => {
  const config = parseConfig(minimal);
  assert.throws(() => ((config as { loudnessLufs: number }).loudnessLufs = 0));
  assert.throws(() => ((config.spotify as { apiUrl: string }).apiUrl = "x"));
});

Deno.test("byte sizes understand decimal and binary units", () => {
  assert.equal(parseByteSize("2GiB"), 2 * 1024 ** 3);
  assert.equal(parseByteSize("1.5 GB"), 1_500_000_000);
  assert.equal(parseByteSize("4096"), 4096);
  assert.equal(parseByteSize("10 parsecs"), undefined);
  assert.equal(parseByteSize("0MB"), undefined);
});

Deno.test("playlist caps default to 50 playlists and 1000 tracks, and refuse what could not be stored", () => {
  assert.deepEqual(parseConfig(minimal).playlistCaps, { perUser: 50, tracks: 1000 });
  const set = parseConfig({ ...minimal, TRAZOM_PLAYLISTS_PER_USER: "5", TRAZOM_PLAYLIST_TRACKS: "200" });
  assert.deepEqual(set.playlistCaps, { perUser: 5, tracks: 200 });
  assert.throws(
    () => parseConfig({ ...minimal, TRAZOM_PLAYLISTS_PER_USER: "0", TRAZOM_PLAYLIST_TRACKS: "5000" }),
    (error: ConfigError) => {
      assert.match(error.message, /TRAZOM_PLAYLISTS_PER_USER must be a number from 1 to 500, not "0"/);
      assert.match(error.message, /TRAZOM_PLAYLIST_TRACKS must be a number from 1 to 1000, not "5000"/);
      return true;
    },
  );
});

Deno.test("SponsorBlock is on by default, can be turned off, and its and LRCLIB's addresses can be set", () => {
  const defaults = parseConfig(minimal);
  assert.equal(defaults.sponsorBlockUrl, "https://sponsor.ajay.app");
  assert.equal(defaults.lrclibUrl, "https://lrclib.net");
  assert.equal(parseConfig({ ...minimal, TRAZOM_SPONSORBLOCK: "off" }).sponsorBlockUrl, undefined);
  const set = parseConfig({
    ...minimal,
    TRAZOM_SPONSORBLOCK: "on",
    SPONSORBLOCK_URL: "http://127.0.0.1:7001/",
    LRCLIB_URL: "http://127.0.0.1:7002",
  });
  assert.equal(set.sponsorBlockUrl, "http://127.0.0.1:7001");
  assert.equal(set.lrclibUrl, "http://127.0.0.1:7002");
  assert.throws(
    () => parseConfig({ ...minimal, TRAZOM_SPONSORBLOCK: "sometimes", LRCLIB_URL: "ftp://x" }),
    (error: ConfigError) =>
      error.problems.some((p) => p.includes("TRAZOM_SPONSORBLOCK") && p.includes("sometimes")) &&
      error.problems.some((p) => p.includes("LRCLIB_URL")),
  );
});

Deno.test("track caps have sensible defaults, can be set, and bad values are named", () => {
  assert.deepEqual(parseConfig(minimal).trackCaps, {
    maxTrackSeconds: 180 * 60,
    maxSourceBytes: 1024e6,
    minFreeDiskBytes: 1024 ** 3,
  });
  const set = parseConfig({
    ...minimal,
    TRAZOM_MAX_TRACK_MINUTES: "45",
    TRAZOM_MAX_SOURCE_MB: "200",
    TRAZOM_MIN_FREE_DISK: "0",
  });
  assert.deepEqual(set.trackCaps, { maxTrackSeconds: 2700, maxSourceBytes: 200e6, minFreeDiskBytes: 0 });
  assert.equal(
    parseConfig({ ...minimal, TRAZOM_MIN_FREE_DISK: "5GiB" }).trackCaps.minFreeDiskBytes,
    5 * 1024 ** 3,
  );
  let error: unknown;
  try {
    parseConfig({
      ...minimal,
      TRAZOM_MAX_TRACK_MINUTES: "0",
      TRAZOM_MAX_SOURCE_MB: "1.5",
      TRAZOM_MIN_FREE_DISK: "plenty",
    });
  } catch (thrown) {
    error = thrown;
  }
  assert.ok(error instanceof ConfigError);
  assert.match(error.problems[0], /TRAZOM_MAX_TRACK_MINUTES must be a number from 1 to 1440, not "0"/);
  assert.match(error.problems[1], /TRAZOM_MAX_SOURCE_MB must be a whole number, not "1.5"/);
  assert.match(error.problems[2], /TRAZOM_MIN_FREE_DISK must be a size like 500MB or 2GiB, not "plenty"/);
});

Deno.test("log and own-yt-dlp settings: defaults, accepted values, and clear refusals", () => {
  const defaults = parseConfig(minimal);
  assert.deepEqual(defaults.log, { level: "info", format: "text" });
  assert.deepEqual(defaults.ownYtdlp, { update: "daily", pipIndexUrl: undefined });
  assert.equal(defaults.ytdlpPathSet, false);
  const set = parseConfig({
    ...minimal,
    TRAZOM_LOG_LEVEL: "DEBUG",
    TRAZOM_LOG_FORMAT: "json",
    TRAZOM_YTDLP_UPDATE: "off",
    TRAZOM_PIP_INDEX_URL: "http://127.0.0.1:3141/simple/",
    YTDLP_PATH: "/opt/yt-dlp",
  });
  assert.deepEqual(set.log, { level: "debug", format: "json" });
  assert.deepEqual(set.ownYtdlp, { update: "off", pipIndexUrl: "http://127.0.0.1:3141/simple" });
  assert.equal(set.ytdlpPathSet, true);
  assert.throws(
    () => parseConfig({ ...minimal, TRAZOM_LOG_LEVEL: "loud", TRAZOM_YTDLP_UPDATE: "weekly" }),
    (error: Error) =>
      /TRAZOM_LOG_LEVEL must be one of error, warn, info, debug, not "loud"/.test(error.message) &&
      /TRAZOM_YTDLP_UPDATE must be one of daily, off, not "weekly"/.test(error.message),
  );
});

Deno.test("the look-ahead of suggestions is on by default, can be turned off, and a bad value is named", () => {
  assert.equal(parseConfig(minimal).lookAhead, true);
  assert.equal(parseConfig({ ...minimal, TRAZOM_LOOK_AHEAD: "0" }).lookAhead, false);
  assert.equal(parseConfig({ ...minimal, TRAZOM_LOOK_AHEAD: "on" }).lookAhead, true);
  assert.throws(
    () => parseConfig({ ...minimal, TRAZOM_LOOK_AHEAD: "sometimes" }),
    (error: unknown) => error instanceof ConfigError && /TRAZOM_LOOK_AHEAD.*sometimes/.test(error.message),
  );
});
