/**
 * What an operator reads: in JSON mode every line the bot prints is one JSON object with time and level,
 * a /play leaves one line with who asked what and how it went, a track's start and end leave a line each,
 * and the configured secrets never appear.
 */
import assert from "node:assert/strict";
import { answerText } from "./bot_answers.ts";
import { toneUrl } from "./gateway_helpers.ts";
import { worldTest } from "./with_world.ts";

interface JsonLine {
  time: string;
  level: string;
  msg: string;
  [field: string]: unknown;
}

worldTest("TRAZOM_LOG_FORMAT=json: every line is JSON and /play and the track are logged", async (world) => {
  const url = await toneUrl(world, "tone.mp3", 2);
  const secret = "spotify-secret-value-1234";
  const bot = await world.startBot({
    TRAZOM_LOG_FORMAT: "json",
    SPOTIFY_CLIENT_ID: "client",
    SPOTIFY_CLIENT_SECRET: secret,
    SPOTIFY_API_URL: "http://127.0.0.1:9",
    SPOTIFY_ACCOUNTS_URL: "http://127.0.0.1:9",
  });
  assert.match(await answerText(world.play(url)), /Playing/);
  await bot.waitForOutput(/"msg":"Track ended"/, 30_000);

  const lines = bot.output.filter((line) => line.trim() !== "").map((line) => {
    try {
      return JSON.parse(line) as JsonLine;
    } catch {
      throw new Error(`Not a JSON line: ${line}`);
    }
  });
  for (const line of lines) {
    assert.ok(!Number.isNaN(Date.parse(line.time)), `time in ${JSON.stringify(line)}`);
    assert.ok(["error", "warn", "info", "debug"].includes(line.level), `level in ${JSON.stringify(line)}`);
  }
  assert.ok(!lines.some((line) => line.level === "debug"), "the default level is info");
  const play = lines.find((line) => line.msg === "/play");
  assert.ok(play, "a line for the /play");
  assert.equal(play.user, world.alice);
  assert.equal(play.guild, world.discord.guild.id);
  assert.equal(play.query, url);
  assert.match(String(play.outcome), /^Playing /);
  const started = lines.find((line) => line.msg === "Track started");
  assert.equal(started?.url, url);
  assert.equal(started?.requester, world.alice);
  const ended = lines.find((line) => line.msg === "Track ended");
  assert.equal(ended?.then, "queue empty");
  assert.ok(!bot.log.includes(secret), "the Spotify secret is never logged");
});

worldTest("text lines start with the time and level; debug adds Discordeno's own lines", async (world) => {
  const bot = await world.startBot({ TRAZOM_LOG_LEVEL: "debug" });
  const connected = await bot.waitForOutput(/Connected to Discord/);
  assert.match(connected, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO {2}Connected to Discord as /);
  await bot.waitForOutput(/^\S+ DEBUG \[discord\]/);
  const refused = await answerText(world.play("https://example.invalid/x.mp3", world.bob));
  assert.match(refused, /voice channel/);
  const line = await bot.waitForOutput(/ INFO {2}\/play /);
  assert.match(line, new RegExp(`user=${world.bob} query=https://example.invalid/x.mp3 outcome="refused: `));
});
