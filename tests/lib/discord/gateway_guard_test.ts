/**
 * The guard on a real Discordeno bot, in-process, against the fake Discord's gateway: fatal closes reach
 * `onFatal` (not an unhandled rejection), ordinary closes resume or re-identify, and a shutdown leaves no
 * timer behind (the test sanitizers check that).
 */
import assert from "node:assert/strict";
import { type Bot, createBot, Intents } from "discordeno";
import { GatewayGuard } from "../../../lib/discord/gateway_guard.ts";
import { FakeDiscord } from "../../fakes/fake_discord.ts";

const silent = { debug() {}, info() {}, warn() {}, error() {}, fatal() {} };
const FAST_BACKOFF = { baseMs: 50, maxMs: 400, jitter: 0, random: () => 0.5 };

interface Rig {
  readonly discord: FakeDiscord;
  readonly bot: Bot;
  readonly guard: GatewayGuard;
  readonly fatal: string[];
  readonly lines: string[];
}

async function withBot(
  token: (discord: FakeDiscord) => string,
  test: (rig: Rig) => Promise<void>,
  heartbeatIntervalMs?: number,
) {
  const discord = await FakeDiscord.start({ validateBodies: false, heartbeatIntervalMs });
  const fatal: string[] = [];
  const lines: string[] = [];
  const guard = new GatewayGuard({
    onFatal: (message) => fatal.push(message),
    log: (line) => lines.push(line),
    backoff: FAST_BACKOFF,
  });
  const bot = createBot({
    token: token(discord),
    intents: Intents.Guilds | Intents.GuildVoiceStates,
    loggerFactory: () => silent,
    gateway: {
      token: token(discord),
      url: discord.gatewayUrl,
      spawnShardDelay: 0,
      events: guard.shardEvents,
      // Given here, so start() needs no REST call.
      connection: {
        url: discord.gatewayUrl,
        shards: 1,
        sessionStartLimit: { total: 1000, remaining: 1000, resetAfter: 0, maxConcurrency: 1 },
      },
    },
  });
  try {
    await test({ discord, bot, guard, fatal, lines });
  } finally {
    await guard.shutdown(bot.gateway);
    await discord.close();
  }
}

const goodToken = (discord: FakeDiscord) => discord.botToken;

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

Deno.test("a rejected token (4004) reaches onFatal once, with no retry", () =>
  withBot((discord) => `${btoa(discord.guild.botUser.id)}.d3Jvbmc.d3Jvbmc`, async (rig) => {
    void rig.bot.start();
    await until(() => rig.fatal.length > 0, "onFatal");
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(rig.fatal.length, 1);
    assert.ok(/4004/.test(rig.fatal[0]), rig.fatal[0]);
    assert.equal(rig.discord.gateway.connectionAttempts.items.length, 1);
  }));

Deno.test("an ordinary close (4000) resumes the session", () =>
  withBot(goodToken, async (rig) => {
    await rig.bot.start();
    rig.discord.gateway.closeAll(4000);
    await until(() => rig.discord.gateway.received.items.some((payload) => payload.op === 6), "a resume");
    await until(() => rig.lines.some((line) => /resumed/.test(line)), "the recovery line");
    assert.equal(rig.discord.gateway.identifies.items.length, 1);
    assert.deepEqual(rig.fatal, []);
  }));

Deno.test("a close that ends the session (4007) identifies afresh", () =>
  withBot(goodToken, async (rig) => {
    await rig.bot.start();
    rig.discord.gateway.closeAll(4007);
    await until(() => rig.discord.gateway.identifies.items.length === 2, "a second identify");
    assert.equal(rig.discord.gateway.received.items.filter((payload) => payload.op === 6).length, 0);
    await until(() => rig.lines.some((line) => /new session/.test(line)), "the recovery line");
  }));

Deno.test("shutdown closes the shard for good: no reconnect, no refill timer left", () =>
  withBot(goodToken, async (rig) => {
    await rig.bot.start();
    const attempts = rig.discord.gateway.connectionAttempts.items.length;
    await rig.guard.shutdown(rig.bot.gateway);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(rig.discord.gateway.liveConnections, 0);
    assert.equal(rig.discord.gateway.connectionAttempts.items.length, attempts);
    const shard = rig.bot.gateway.shards.get(0)!;
    assert.equal(shard.bucket.timeoutId, undefined, "the send bucket's refill timer is cleared");
  }));

Deno.test("a half-open link (no heartbeat ACK) is abandoned and the session resumed", () =>
  withBot(goodToken, async (rig) => {
    await rig.bot.start();
    const frozenAt = Date.now();
    rig.discord.gateway.goHalfOpen();
    await until(
      () => rig.discord.gateway.received.items.some((payload) => payload.op === 6),
      "a resume",
      30_000,
    );
    // How soon is link_watch's business, tested there with fake time; here, that the heartbeat noticed.
    console.log(`half-open link resumed ${Date.now() - frozenAt} ms after the freeze (heartbeat 1500 ms)`);
    const noticed = rig.lines.find((line) => /connection lost/.test(line)) ?? "";
    assert.ok(/no heartbeat ACK|no traffic/.test(noticed), noticed);
    assert.equal(rig.discord.gateway.liveConnections, 1);
  }, 1500));
