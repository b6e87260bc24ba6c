/**
 * The operator's side end to end: the bot comes online by itself when Discord's REST API answers only
 * after a while, reads its settings from a `.env` file and prints its invite link, serves /healthz and
 * Prometheus /metrics whose counters move during playback, limits how fast one user can /play, and
 * tells a user at their queue cap why nothing was added.
 */
import { worldTest } from "./with_world.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { answerText, privateAnswer } from "./bot_answers.ts";
import { BotProcess } from "./bot_process.ts";
import { toneUrl } from "./gateway_helpers.ts";
import type { TestWorld } from "./test_world.ts";
import { askUntil } from "../fakes/wait_until.ts";

const OUTAGE_MS = 15_000;
const UNHANDLED = /Uncaught|Unhandled|^\s+at /m;

worldTest(
  "REST refuses connections for 15 s: one line per attempt, online without a restart, then /play plays",
  async (world) => {
    const url = await toneUrl(world, "tone.mp3", 3);
    const port = freePort();
    const startedAt = Date.now();
    const bot = BotProcess.start(world.botEnv({ DISCORD_API_URL: `http://127.0.0.1:${port}/api` }));
    let door: Deno.HttpServer | undefined;
    try {
      // Nothing listens on the port yet: every connection is refused until the door opens.
      await bot.waitForOutput(/Could not reach Discord/, 10_000);
      const opening = setTimeout(() => door = openDoor(port, world.discord.apiUrl), OUTAGE_MS);
      await bot.waitForOutput(/Connected to Discord/, 90_000).finally(() => clearTimeout(opening));
      const onlineAfter = Date.now() - startedAt;
      const lines = bot.output.filter((line) => /Discord/.test(line));
      const attempts = lines.filter((line) => /Could not reach Discord/.test(line));
      console.log(`online ${onlineAfter} ms after start; attempts:\n${attempts.join("\n")}`);
      assert.ok(onlineAfter >= OUTAGE_MS, `${onlineAfter} ms`);
      assert.ok(attempts.length >= 3 && attempts.length <= 6, `${attempts.length} attempts`);
      const waits = attempts.map((line, index) => {
        const match = /\(connection refused\) on attempt (\d+); trying again in ([\d.]+) s\.$/.exec(line);
        assert.ok(match, line);
        assert.equal(Number(match[1]), index + 1, "one line per attempt, numbered");
        return Number(match[2]);
      });
      for (let i = 1; i < waits.length; i++) assert.ok(waits[i] > waits[i - 1], `waits ${waits}`);
      await bot.waitForOutput(
        new RegExp(`(^| )Reached Discord on attempt ${attempts.length + 1}\\.$`),
        10_000,
      );
      assert.ok(!UNHANDLED.test(bot.log) && !/\[discord\]/.test(bot.log), bot.log);
      assert.ok(world.discord.commands.some((command) => command.name === "play"), "commands registered");

      const interaction = world.play(url);
      assert.match(await answerText(interaction), /Playing/);
      await world.voice.waitForPackets(50, 30_000);
    } finally {
      await bot.stop();
      await door?.shutdown();
    }
    assert.ok(!bot.log.includes(world.discord.botToken), "the bot printed its token");
  },
);

worldTest("a gateway that refuses connections at start-up is waited out with back-off", async (world) => {
  const gateway = world.discord.gateway;
  gateway.goAway();
  const bot = BotProcess.start(world.botEnv());
  try {
    await bot.waitForOutput(/Registered \d+ slash commands/, 30_000);
    await gateway.connectionAttempts.waitFor(() => gateway.connectionAttempts.items.length >= 3, 20_000);
    gateway.comeBack();
    await bot.waitForOutput(/Connected to Discord/, 30_000);
    const lines = bot.output.filter((line) => /gateway/i.test(line));
    const refused = gateway.connectionAttempts.items.filter((item) => !item.accepted).length;
    console.log(`${refused} refused gateway connections:\n${lines.join("\n")}`);
    assert.ok(refused >= 3, `${refused}`);
    // One line per reconnect (the first connection is the start itself), then the recovery.
    assert.equal(lines.filter((line) => /connection lost/.test(line)).length, refused);
    assert.ok(!UNHANDLED.test(bot.log), bot.log);
  } finally {
    await bot.stop();
  }
  assert.ok(!bot.log.includes(world.discord.botToken), "the bot printed its token");
});

worldTest("settings come from a .env file, and the invite link is printed", async (world) => {
  const envFile = join(world.dataDir, "bot.env");
  const settings = { ...world.botEnv(), TRAZOM_LOUDNESS: "-18" };
  await Deno.writeTextFile(
    envFile,
    Object.entries(settings).map(([name, value]) => `${name}=${value}`).join("\n") + "\n",
  );
  // The process gets the file's name only: token, URLs, folders and certificates all come from the file.
  const bot = BotProcess.start({ TRAZOM_ENV_FILE: envFile });
  try {
    const invite = await bot.waitForOutput(/Invite the bot to a server:/, 30_000);
    const url = new URL(invite.slice(invite.indexOf("https://")));
    assert.equal(url.origin + url.pathname, "https://discord.com/oauth2/authorize");
    assert.equal(url.searchParams.get("client_id"), world.discord.applicationId);
    assert.equal(url.searchParams.get("scope"), "bot applications.commands");
    assert.equal(url.searchParams.get("permissions"), "3165184");
    await world.discord.waitForReady();
    assert.ok(!/Warning|approve-scripts/i.test(bot.log), bot.log);
  } finally {
    await bot.stop();
  }
  assert.ok(!bot.log.includes(world.discord.botToken), "the bot printed its token");
});

worldTest("/metrics moves during playback and after reconnects; /healthz answers", async (world) => {
  const url = await toneUrl(world, "tone.mp3", 4);
  const bot = await world.startBot({ TRAZOM_METRICS_PORT: String(freePort()) });
  const served = await bot.waitForOutput(/Serving \/healthz and \/metrics at/, 10_000);
  const base = served.match(/at (http:\/\/127\.0\.0\.1:\d+)\.$/)![1];

  const health = await fetch(`${base}/healthz`);
  assert.equal(health.status, 200);
  assert.equal(await health.text(), "ok\n");
  const before = await scrape(base);
  assert.equal(before.get("trazom_guilds"), 1);
  assert.equal(before.get("trazom_streams_playing"), 0);
  assert.equal(before.get(`trazom_tracks_played_total{source="fresh"}`), 0);

  assert.match(await answerText(world.play(url)), /Playing/);
  await world.voice.waitForPackets(25, 30_000);
  const playing = await scrape(base);
  console.log(`during playback: ${JSON.stringify(Object.fromEntries(playing))}`);
  assert.equal(playing.get("trazom_voice_connections"), 1);
  assert.equal(playing.get("trazom_streams_playing"), 1);
  assert.equal(playing.get('trazom_tracks_played_total{source="fresh"}'), 1);
  assert.equal(playing.get('trazom_track_preparation_seconds_count{source="fresh"}'), 1);
  assert.ok(playing.get('trazom_track_preparation_seconds_sum{source="fresh"}')! > 0);
  assert.ok(playing.get("trazom_cache_misses_total")! >= 1);

  world.discord.gateway.closeAll(4000);
  await bot.waitForOutput(/resumed its session/, 20_000);
  await waitForMetric(base, "trazom_gateway_reconnects_total", (value) => value >= 1);
  world.voice.closeVoiceSockets(4015);
  await waitForMetric(base, "trazom_voice_reconnects_total", (value) => value >= 1);
  // The file becomes a cache entry once it is complete, which may be after its first audio.
  const cached = await waitForMetric(base, "trazom_cache_files", (value) => value === 1);
  assert.ok(cached.get("trazom_cache_size_bytes")! > 1000);

  // The same link again, once the first play is over, comes from the cache.
  await world.voice.waitUntil(() => idleFor(world, 300), 20_000, "the track to finish");
  assert.match(await answerText(world.play(url)), /Playing|Queued/);
  const after = await waitForMetric(
    base,
    'trazom_tracks_played_total{source="cache"}',
    (value) => value === 1,
  );
  assert.ok(after.get("trazom_cache_hits_total")! > (playing.get("trazom_cache_hits_total") ?? 0));
});

worldTest("a user who /plays too fast is told politely to wait; others are not held up", async (world) => {
  const url = await toneUrl(world, "tone.mp3", 20);
  await world.startBot({ TRAZOM_PLAY_RATE: "2/1m" });
  world.discord.setVoiceState(world.bob, world.discord.guild.voiceChannelId);
  assert.match(await answerText(world.play(url)), /Playing/);
  assert.match(await answerText(world.play(url)), /Queued|Added/i);
  const refused = await privateAnswer(world.play(url));
  assert.match(
    refused,
    /^You're adding songs quickly: at most 2 \/play every minute\. Try again in \d+ s\.$/,
  );
  assert.match(await answerText(world.play(url, world.bob)), /Queued|Added/i);
});

/** A loopback port nothing listens on (for now). */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

/** Starts answering on `port` by passing every request on to `target` (the fake REST API's base URL). */
function openDoor(port: number, target: string): Deno.HttpServer {
  const targetOrigin = new URL(target).origin;
  return Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, async (request) => {
    const url = new URL(request.url);
    const body = request.body ? await request.arrayBuffer() : undefined;
    return await fetch(targetOrigin + url.pathname + url.search, {
      method: request.method,
      headers: request.headers,
      body,
    });
  });
}

/** The samples of one /metrics scrape, by name with labels. */
async function scrape(base: string): Promise<Map<string, number>> {
  const response = await fetch(`${base}/metrics`);
  assert.equal(response.status, 200);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const space = line.lastIndexOf(" ");
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

/** Scrapes until `sample` satisfies `check` (metrics follow events the test cannot see directly). */
function waitForMetric(base: string, sample: string, check: (value: number) => boolean) {
  return askUntil(async () => {
    const samples = await scrape(base);
    const value = samples.get(sample);
    return value !== undefined && check(value) ? samples : undefined;
  }, `${sample} to change`);
}

/** True when no packet has arrived for `ms` milliseconds. */
function idleFor(world: TestWorld, ms: number): boolean {
  const last = world.voice.audioPackets().at(-1);
  return last !== undefined && Date.now() - last.receivedAt >= ms;
}

worldTest(
  "a user at their queue cap is told why nothing was added; others can still queue",
  async (world) => {
    const url = await toneUrl(world, "tone.mp3", 20);
    await world.startBot({ TRAZOM_QUEUE_LIMIT_PER_USER: "2", TRAZOM_PLAY_RATE: "off" });
    world.discord.setVoiceState(world.bob, world.discord.guild.voiceChannelId);
    assert.match(await answerText(world.play(url)), /Playing/);
    assert.match(await answerText(world.play(url)), /Queued .* at position 1/);
    assert.match(await answerText(world.play(url)), /Queued .* at position 2/);
    const refused = await privateAnswer(world.play(url));
    assert.equal(
      refused,
      "Nothing was added: one person may have at most 2 tracks waiting. Let some of yours play first, or make " +
        "room with /remove.",
    );
    assert.match(await answerText(world.play(url, world.bob)), /Queued/);
  },
);
