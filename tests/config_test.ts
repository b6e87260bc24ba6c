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
