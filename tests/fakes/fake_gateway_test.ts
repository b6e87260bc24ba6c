import assert from "node:assert/strict";
import { FakeDiscord } from "./fake_discord.ts";
import type { GatewayPayload } from "./gateway_session.ts";
import { Recorder } from "./recorder.ts";

/** A bare gateway client, to drive the protocol step by step. */
class RawClient {
  readonly received: Recorder<GatewayPayload> = new Recorder();
  readonly closed: Promise<CloseEvent>;
  readonly #socket: WebSocket;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.onmessage = (event) => this.received.push(JSON.parse(event.data));
    this.closed = new Promise((resolve) => socket.onclose = resolve);
  }

  static async connect(url: string, query = "?v=10&encoding=json"): Promise<RawClient> {
    const client = new RawClient(new WebSocket(`${url}/${query}`));
    await client.next((payload) => payload.op === 10);
    return client;
  }

  get open(): boolean {
    return this.#socket.readyState === WebSocket.OPEN;
  }

  send(op: number, d: unknown): void {
    this.#socket.send(JSON.stringify({ op, d }));
  }

  next(predicate: (payload: GatewayPayload) => boolean): Promise<GatewayPayload> {
    return this.received.waitFor(predicate, 2000, "a gateway payload");
  }

  identify(token: string, intents = 129): void {
    this.send(2, { token: `Bot ${token}`, intents, properties: {}, shard: [0, 1] });
  }
}

async function withDiscord(test: (discord: FakeDiscord) => Promise<void>): Promise<void> {
  const discord = await FakeDiscord.start({ validateBodies: false });
  try {
    await test(discord);
  } finally {
    await discord.close();
  }
}

Deno.test("identify gets READY then GUILD_CREATE, numbered from 1", () =>
  withDiscord(async (discord) => {
    const client = await RawClient.connect(discord.gatewayUrl);
    client.identify(discord.botToken);
    const guild = await client.next((payload) => payload.t === "GUILD_CREATE");
    assert.deepEqual(
      client.received.items.map((payload) => [payload.op, payload.t ?? null, payload.s ?? null]),
      [
        [10, null, null],
        [0, "READY", 1],
        [0, "GUILD_CREATE", 2],
      ],
    );
    const voiceStates = (guild.d as { voice_states: { user_id: string }[] }).voice_states;
    assert.deepEqual(voiceStates.map((state) => state.user_id), [discord.guild.humanIds[0]]);
  }));

Deno.test("privileged intents are refused with 4014, a wrong version with 4012", () =>
  withDiscord(async (discord) => {
    const greedy = await RawClient.connect(discord.gatewayUrl);
    greedy.identify(discord.botToken, 129 | (1 << 1));
    assert.equal((await greedy.closed).code, 4014);
    const socket = new WebSocket(`${discord.gatewayUrl}/?v=9&encoding=json`);
    const closed = await new Promise<CloseEvent>((resolve) => socket.onclose = resolve);
    assert.equal(closed.code, 4012);
  }));

Deno.test("a resumed session gets what it missed, then RESUMED", () =>
  withDiscord(async (discord) => {
    const first = await RawClient.connect(discord.gatewayUrl);
    first.identify(discord.botToken);
    const ready = await first.next((payload) => payload.t === "READY");
    await first.next((payload) => payload.t === "GUILD_CREATE");
    discord.gateway.closeAll(4000);
    assert.equal((await first.closed).code, 4000);

    discord.setVoiceState(discord.guild.humanIds[1], discord.guild.voiceChannelId);
    const second = await RawClient.connect(discord.gatewayUrl);
    const sessionId = (ready.d as { session_id: string }).session_id;
    second.send(6, { token: `Bot ${discord.botToken}`, session_id: sessionId, seq: 2 });
    await second.next((payload) => payload.t === "RESUMED");
    assert.deepEqual(second.received.items.slice(1).map((payload) => [payload.t, payload.s]), [
      ["VOICE_STATE_UPDATE", 3],
      ["RESUMED", 4],
    ]);
    second.send(6, { token: `Bot ${discord.botToken}`, session_id: "no-such-session", seq: 0 });
    assert.equal((await second.closed).code, 4005, "a second resume on one connection is refused");
  }));

Deno.test("a half-open link stops answering heartbeats but stays open", () =>
  withDiscord(async (discord) => {
    const client = await RawClient.connect(discord.gatewayUrl);
    client.send(1, null);
    await client.next((payload) => payload.op === 11);
    discord.gateway.goHalfOpen();
    client.send(1, null);
    // A link opened afterwards works: once its heartbeat is answered, the frozen one's would have been too.
    const fresh = await RawClient.connect(discord.gatewayUrl);
    fresh.send(1, null);
    await fresh.next((payload) => payload.op === 11);
    assert.equal(client.received.items.filter((payload) => payload.op === 11).length, 1);
    assert.equal(client.open, true);
    assert.equal(discord.gateway.liveConnections, 1, "only the fresh link is live");
  }));

Deno.test("during an outage connections get 503 and are counted; afterwards they work again", () =>
  withDiscord(async (discord) => {
    discord.gateway.goAway();
    for (let i = 0; i < 3; i++) {
      const socket = new WebSocket(`${discord.gatewayUrl}/?v=10&encoding=json`);
      socket.onerror = (event) => event.preventDefault();
      await new Promise((resolve) => socket.onclose = resolve);
    }
    discord.gateway.comeBack();
    const client = await RawClient.connect(discord.gatewayUrl);
    assert.equal(client.open, true);
    const attempts = discord.gateway.connectionAttempts.items;
    assert.deepEqual(attempts.map((attempt) => attempt.accepted), [false, false, false, true]);
    assert.ok(attempts.every((attempt, i) => i === 0 || attempt.at >= attempts[i - 1].at));
  }));
