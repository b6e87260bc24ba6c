/**
 * Secrets stay in the bot: every ffmpeg and yt-dlp process started for a /play runs without the token or
 * the Spotify secret in its environment, and the operator's cookies file is only read, never rewritten.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { FakeYoutube } from "../fakes/fake_youtube.ts";
import { answerText } from "./bot_answers.ts";
import { audioAfter } from "./received_audio.ts";
import { ToolWatch } from "./tool_watch.ts";
import { worldTest } from "./with_world.ts";

const SPOTIFY_SECRET = "spotify-secret-for-the-environment-test";
const COOKIES = "# Netscape HTTP Cookie File\n.youtube.com\tTRUE\t/\tTRUE\t0\tPREF\tf6=40000000\n";

worldTest(
  "no tool started for a /play sees the token or the Spotify secret; the cookies file stays as it was",
  async (world) => {
    const youtube = await FakeYoutube.create(world, {
      videos: [{ id: "secretHum01", title: "Secret Hum", frequencyHz: 440, seconds: 3 }],
    });
    const cookiesPath = join(world.dataDir, "operator-cookies.txt");
    await Deno.writeTextFile(cookiesPath, COOKIES);
    const bot = await world.startBot({
      ...youtube.env,
      SPOTIFY_CLIENT_ID: "spotify-id",
      SPOTIFY_CLIENT_SECRET: SPOTIFY_SECRET,
      YTDLP_COOKIES: cookiesPath,
    });

    const watch = new ToolWatch(bot.pgid);
    const from = world.voice.audioPackets().length;
    const reply = await answerText(world.play(youtube.watchUrl("secretHum01")));
    assert.match(reply, /Secret Hum/);
    await audioAfter(world.voice, from, 50, 60_000);
    const tools = await watch.stop();

    const commands = new Set(tools.map((tool) => tool.command));
    assert.ok(commands.has("ffmpeg"), `ffmpeg was seen: ${[...commands]}`);
    assert.ok(youtube.requests("video").length > 0, "yt-dlp looked the video up");
    assert.ok(
      tools.some((tool) => tool.environ.some((entry) => entry.startsWith("PATH="))),
      "tools have PATH",
    );
    for (const tool of tools) {
      const environ = tool.environ.join("\n");
      assert.ok(!environ.includes(world.discord.botToken), `${tool.command} (${tool.pid}) had the token`);
      assert.ok(!environ.includes(SPOTIFY_SECRET), `${tool.command} (${tool.pid}) had the Spotify secret`);
    }
    console.log(`tools seen: ${tools.map((tool) => tool.command).join(", ")}`);

    assert.equal(await Deno.readTextFile(cookiesPath), COOKIES, "the operator's cookies file is unchanged");
    const copies = await Array.fromAsync(Deno.readDir(join(world.dataDir, "private")));
    assert.deepEqual(copies, [], "no private copy is left behind");
  },
);
