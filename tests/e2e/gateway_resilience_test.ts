/**
 * The bot's gateway connection end to end, against the fake Discord: a half-open link is noticed and
 * resumed, an outage is waited out with back-off (not a reconnect storm), a refused token or intent ends
 * the bot with a sentence, and SIGTERM leaves voice and exits 0.
 */
import { worldTest } from "./with_world.ts";
import assert from "node:assert/strict";
import { gapsBetween, runUntilExit, toneUrl } from "./gateway_helpers.ts";
import { firstResponse } from "./bot_answers.ts";

const HEARTBEAT_MS = 1500;
/** Refused attempts the outage lasts for: back-off steps of about 1, 2 and 4 s. */
const REFUSED_ATTEMPTS = 3;
const UNHANDLED = /Uncaught|unhandled|^\s+at /m;

worldTest(
  "a half-open gateway link is noticed and resumed, then /play still answers, and SIGTERM leaves voice",
  async (world) => {
    const url = await toneUrl(world, "tone.mp3", 4);
    const bot = await world.startBot();
    const gateway = world.discord.gateway;
    const frozenAt = Date.now();
    gateway.goHalfOpen();
    const attempt = await gateway.connectionAttempts.waitFor((item) => item.at > frozenAt, 60_000);
    await bot.waitForOutput(/resumed its session/, 60_000);
    const resumedAt = Date.now();
    console.log(
      `half-open: new connection ${attempt.at - frozenAt} ms after the freeze, resumed after ${
        resumedAt - frozenAt
      } ms (heartbeat ${HEARTBEAT_MS} ms)`,
    );
    const noticed = await bot.waitForOutput(/connection lost/);
    assert.ok(/no heartbeat ACK|no traffic/.test(noticed), `the heartbeat noticed it: ${noticed}`);
    assert.equal(
      gateway.received.items.filter((payload) => payload.op === 6).length,
      1,
      "one resume (op 6)",
    );
    assert.equal(gateway.identifies.items.length, 1, "no new identify: the session was resumed");

    const interaction = world.play(url);
    assert.equal((await firstResponse(interaction)).type, 5);
    const reply = await interaction.waitForMessage(undefined, 30_000);
    assert.ok(/Playing/.test(String(reply.body.content)), String(reply.body.content));
    await world.voice.waitForPackets(50, 15_000);

    const stoppingAt = Date.now();
    // A bot that hangs on SIGTERM is killed after a while, and exits with another code.
    const status = await bot.stop();
    console.log(`SIGTERM: exited with code ${status.code} after ${Date.now() - stoppingAt} ms`);
    assert.equal(status.code, 0, bot.log);
    const left = world.discord.voiceStateUpdates.items.some((update) => update.channel_id === null);
    assert.ok(left, "the bot sent op 4 with channel_id null");
    assert.ok(/Stopped\./.test(bot.log), bot.log);
  },
  { discord: { heartbeatIntervalMs: HEARTBEAT_MS } },
);

worldTest(
  "during a gateway outage attempts back off, one log line each, and the bot is back on its next attempt",
  async (world) => {
    const bot = await world.startBot();
    const gateway = world.discord.gateway;
    const logLinesBefore = bot.output.length;
    gateway.goAway();
    const droppedAt = Date.now();
    gateway.closeAll(4000, "Outage");
    const refusedCount = () => gateway.connectionAttempts.items.filter((item) => !item.accepted).length;
    await gateway.connectionAttempts.waitFor(() => refusedCount() >= REFUSED_ATTEMPTS, 120_000);
    const backAt = Date.now();
    gateway.comeBack();
    await bot.waitForOutput(/resumed its session/, 120_000);
    const resumedAt = Date.now();

    const attempts = gateway.connectionAttempts.items.filter((item) => item.at >= droppedAt);
    const refused = attempts.filter((item) => !item.accepted);
    const accepted = attempts.find((item) => item.accepted)!;
    const gaps = gapsBetween([droppedAt, ...attempts.map((item) => item.at)]);
    const lines = bot.output.slice(logLinesBefore).filter((line) => /gateway/i.test(line));
    console.log(
      `outage: ${refused.length} refused attempts in ${backAt - droppedAt} ms, spacing ${
        gaps.join(", ")
      } ms; ` +
        `${lines.length} log lines for ${attempts.length} attempts; reconnected ${accepted.at - backAt} ms ` +
        `after the return, resumed ${resumedAt - backAt} ms after it`,
    );
    assert.equal(refused.length, REFUSED_ATTEMPTS, "no attempt while the outage was being counted");
    assert.equal(attempts.at(-1), accepted, "the first attempt after the outage connected");
    for (let i = 1; i < gaps.length; i++) assert.ok(gaps[i] >= gaps[i - 1] * 1.2, `spacing ${gaps}`);
    assert.ok(gaps[0] >= 700, `first retry after ${gaps[0]} ms`);
    // One line per attempt, plus the one saying the session was resumed.
    assert.equal(lines.length, attempts.length + 1, lines.join("\n"));
    assert.equal(gateway.identifies.items.length, 1, "the session was resumed, not replaced");
  },
);

worldTest("an invalid token ends the bot with a clear message and a non-zero code", async (world) => {
  const token = `${btoa(world.discord.guild.botUser.id)}.d3Jvbmc.bm90LXRoZS1yaWdodC10b2tlbg`;
  const ending = await runUntilExit(world.botEnv({ DISCORD_TOKEN: token }));
  console.log(`invalid token: exit code ${ending.status.code} after ${ending.elapsedMs} ms`);
  assert.equal(ending.status.code, 1, ending.log);
  assert.ok(/rejected the bot token/.test(ending.log), ending.log);
  assert.ok(!UNHANDLED.test(ending.log), ending.log);
  assert.ok(
    !ending.log.includes(token) && !ending.log.includes("bm90LXRoZS1yaWdodC10b2tlbg"),
    "token leaked",
  );
});

worldTest(
  "disallowed intents (close 4014) end the bot with a clear message, without retrying",
  async (world) => {
    const ending = await runUntilExit(world.botEnv());
    const gateway = world.discord.gateway;
    console.log(
      `disallowed intents: exit code ${ending.status.code} after ${ending.elapsedMs} ms, ` +
        `${gateway.connectionAttempts.items.length} connection attempt(s)`,
    );
    assert.equal(ending.status.code, 1, ending.log);
    assert.ok(/gateway close 4014/.test(ending.log), ending.log);
    assert.ok(!UNHANDLED.test(ending.log), ending.log);
    assert.equal(gateway.connectionAttempts.items.length, 1);
    assert.equal(gateway.identifies.items.length, 1);
  },
  { discord: { allowedIntents: 0 } },
);
