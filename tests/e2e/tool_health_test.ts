/**
 * The bot and its tools: without a usable ffmpeg it refuses to start with a sentence naming the fix, and
 * with ffmpeg gone while it runs, /healthz says so; /metrics shows the tools, the process and failures by kind.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { BotProcess } from "./bot_process.ts";
import { worldTest } from "./with_world.ts";
import { askUntil } from "../fakes/wait_until.ts";
import { answerText } from "./bot_answers.ts";
import { toneUrl } from "./gateway_helpers.ts";

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

worldTest("/healthz turns 503 naming ffmpeg when its binary disappears while the bot runs", async (world) => {
  const toolDir = await Deno.makeTempDir({ prefix: "trazom_ffmpeg_" });
  world.closeWith(() => Deno.remove(toolDir, { recursive: true }));
  const ffmpeg = join(toolDir, "ffmpeg");
  await Deno.copyFile(await onPath("ffmpeg"), ffmpeg);
  const bot = await world.startBot({ FFMPEG_PATH: ffmpeg, TRAZOM_METRICS_PORT: String(freePort()) });
  const served = await bot.waitForOutput(/Serving \/healthz and \/metrics at/, 10_000);
  const base = served.match(/at (http:\/\/127\.0\.0\.1:\d+)\.$/)![1];
  const health = async () => {
    const response = await fetch(`${base}/healthz`);
    return { status: response.status, text: await response.text() };
  };
  assert.deepEqual(await health(), { status: 200, text: "ok\n" });
  const metrics = await (await fetch(`${base}/metrics`)).text();
  for (
    const name of [
      "trazom_process_resident_memory_bytes",
      "trazom_nodejs_eventloop_lag_seconds",
      'trazom_failures_total{kind="transcode"} 0',
      "trazom_queued_tracks 0",
      "trazom_search_fallback_active 0",
    ]
  ) {
    assert.ok(metrics.includes(name), `/metrics has ${name}`);
  }
  await askUntil(async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    return /trazom_tool_runs\{worker="transcoder",tool="ffmpeg",state="busy"\} 0/.test(text)
      ? text
      : undefined;
  }, "the workers' tool runs appear in /metrics");

  await Deno.remove(ffmpeg);
  // A new track fails to encode: the tools are checked again at once (the regular check is a minute away).
  const url = await toneUrl(world, "tone.mp3", 2);
  await answerText(world.play(url));
  const down = await askUntil(
    async () => {
      const answer = await health();
      return answer.status === 503 ? answer : undefined;
    },
    "/healthz reports the missing ffmpeg",
    { boundMs: 30_000, everyMs: 500 },
  );
  assert.match(down.text, new RegExp(`ffmpeg could not be run from "${ffmpeg}"`));
});

worldTest("a track that is not audio counts as a transcode failure in /metrics", async (world) => {
  const bot = await world.startBot({ TRAZOM_METRICS_PORT: String(freePort()) });
  const served = await bot.waitForOutput(/Serving \/healthz and \/metrics at/, 10_000);
  const base = served.match(/at (http:\/\/127\.0\.0\.1:\d+)\.$/)![1];
  const noise = world.media.add("noise.mp3", crypto.getRandomValues(new Uint8Array(64 * 1024)));
  await answerText(world.play(noise));
  const failures = await askUntil(async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    return /trazom_failures_total\{kind="transcode"\} [1-9]/.test(text) ? text : undefined;
  }, "the failed encode is counted");
  assert.match(failures, /trazom_failures_total\{kind="download"\} 0/);
  assert.match(failures, /trazom_failures_total\{kind="voice"\} 0/);
  const line = await bot.waitForOutput(/Track failed .*noise\.mp3/);
  assert.match(line, /reason="I couldn't read that as audio/);
});

/** The absolute path of `name` on PATH. */
async function onPath(name: string): Promise<string> {
  const output = await new Deno.Command("sh", { args: ["-c", `command -v ${name}`] }).output();
  return new TextDecoder().decode(output.stdout).trim();
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}
