/**
 * The bot and its tools: without a usable ffmpeg it refuses to start with a sentence naming the fix, and
 * with ffmpeg gone while it runs, /healthz says so.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { BotProcess } from "./bot_process.ts";
import { worldTest } from "./with_world.ts";

worldTest(
  "with FFMPEG_PATH naming a missing file the bot refuses to start and names the fix",
  async (world) => {
    const missing = join(world.dataDir, "no-such-ffmpeg");
    const bot = BotProcess.start(world.botEnv({ FFMPEG_PATH: missing }));
    const status = await bot.exited;
    await bot.stop();
    assert.equal(status.code, 1, bot.log);
    assert.match(bot.log, /cannot play without a working ffmpeg/);
    assert.ok(bot.log.includes(`"${missing}"`), "the path it tried is named");
    assert.match(bot.log, /point FFMPEG_PATH at it, or unset FFMPEG_PATH/);
    assert.equal(world.discord.commands.length, 0, "it stopped before registering commands");
    assert.ok(!/Connected to Discord/.test(bot.log));
  },
);
