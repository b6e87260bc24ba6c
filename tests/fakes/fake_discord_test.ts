import assert from "node:assert/strict";
import type { CreateApplicationCommand } from "discordeno";
import { eventually, INTENTS, startBot, stopBot } from "./discordeno_bot.ts";
import { FakeDiscord } from "./fake_discord.ts";

const PLAY: CreateApplicationCommand = {
  name: "play",
  description: "Play a song in your voice channel",
  options: [
    { name: "query", description: "A song name or a link", type: 3, required: true, autocomplete: true },
    { name: "next", description: "Play it next", type: 5 },
  ],
};

Deno.test("a Discordeno bot runs against the fake Discord", async (t) => {
  const discord = await FakeDiscord.start({ voiceEndpoint: "localhost:4321" });
  const { bot, seen } = startBot(discord);
  try {
    await t.step("it connects: READY, then GUILD_CREATE with the voice states", async () => {
      await bot.start();
      const { at, ...first } = discord.requests[0];
      assert.ok(Math.abs(at - Date.now()) < 60_000, "stamped with when it arrived");
      assert.deepEqual(first, {
        method: "GET",
        path: "/gateway/bot",
        query: "",
        body: undefined,
        files: [],
        status: 200,
      });
      assert.equal(discord.gateway.identifies.items[0].intents, INTENTS);
      assert.equal(discord.gateway.connectionAttempts.items[0].query, "?v=10&encoding=json");
      await eventually(() => seen.guilds.length === 1, "GUILD_CREATE");
      assert.deepEqual(seen.ready, [BigInt(discord.guild.botUser.id)]);
      const alice = BigInt(discord.guild.humanIds[0]);
      assert.equal(seen.guilds[0].voiceStates?.get(alice)?.channelId, BigInt(discord.guild.voiceChannelId));
    });

    await t.step("valid commands are registered, invalid ones get 400 Invalid Form Body", async () => {
      const registered = await bot.helpers.upsertGlobalApplicationCommands([PLAY]);
      assert.equal(registered[0].name, "play");
      assert.deepEqual(discord.commands.map((command) => command.name), ["play"]);
      const invalid: CreateApplicationCommand[] = [
        { ...PLAY, options: [{ name: "Query", description: "Uppercase name", type: 3 }] },
        { ...PLAY, description: "x".repeat(101) },
        { ...PLAY, options: [{ ...PLAY.options![1] }, { ...PLAY.options![0] }] },
        { ...PLAY, options: [{ ...PLAY.options![0], choices: [{ name: "a", value: "a" }] }] },
      ];
      for (const command of invalid) {
        const error = await bot.helpers.upsertGuildApplicationCommands(discord.guild.id, [command]).then(
          () => assert.fail(`${JSON.stringify(command)} was accepted`),
          (error: Error) => error.cause as { status: number; body: string },
        );
        assert.equal(error.status, 400);
        assert.equal(JSON.parse(error.body).code, 50035);
      }
      assert.equal(discord.rejections.length, invalid.length);
      assert.deepEqual(discord.rejections[0].violations.map((violation) => violation.path), [
        "/0/options/0/name",
      ]);
      assert.deepEqual(discord.commands.map((command) => command.name), ["play"]);
    });

    await t.step("an interaction reaches the bot and its answers are recorded", async () => {
      const [alice] = discord.guild.humanIds;
      const interaction = discord.sendCommand({
        name: "play",
        options: [{ name: "query", type: 3, value: "mozart" }],
        userId: alice,
      });
      await eventually(() => seen.interactions.length === 1, "INTERACTION_CREATE");
      const received = seen.interactions[0];
      assert.equal(String(received.id), interaction.id);
      assert.equal(received.token, interaction.token);
      assert.equal(received.data?.name, "play");

      await bot.helpers.sendInteractionResponse(received.id, received.token, { type: 5 });
      assert.deepEqual(await interaction.waitForResponse(), { type: 5 });
      await bot.helpers.editOriginalInteractionResponse(received.token, { content: "Queued mozart" });
      await bot.helpers.sendFollowupMessage(received.token, { content: "Starting now" });
      const edit = await interaction.waitForMessage((message) => message.kind === "edit");
      assert.equal(edit.body.content, "Queued mozart");
      const followUp = await interaction.waitForMessage((message) => message.kind === "followup");
      assert.equal(followUp.body.content, "Starting now");

      const second = bot.helpers.sendInteractionResponse(received.id, received.token, {
        type: 4,
        data: { content: "again" },
      });
      await assert.rejects(second, (error: Error) => (error.cause as { status: number }).status === 400);
    });

    await t.step("autocomplete and button presses reach the bot; its answers are recorded", async () => {
      const bob = discord.guild.humanIds[1];
      const options = [{ name: "query", type: 3, value: "moz", focused: true }];
      const autocomplete = discord.sendAutocomplete({ name: "play", options, userId: bob });
      await eventually(() => seen.interactions.length === 2, "the autocomplete interaction");
      const choices = [{ name: "Mozart - Requiem", value: "mozart requiem" }];
      await bot.helpers.sendInteractionResponse(seen.interactions[1].id, seen.interactions[1].token, {
        type: 8,
        data: { choices },
      });
      assert.deepEqual(await autocomplete.waitForResponse(), { type: 8, data: { choices } });

      const skip = { type: 2 as const, style: 1 as const, label: "Skip", customId: "skip" };
      await bot.helpers.sendMessage(discord.guild.textChannelId, {
        content: "Now playing",
        components: [{ type: 1, components: [skip] }],
      });
      const posted = await discord.waitForChannelMessage((message) => message.body.content === "Now playing");
      const press = discord.sendComponent({ customId: "skip", userId: bob, messageId: posted.messageId });
      await eventually(() => seen.interactions.length === 3, "the button interaction");
      await bot.helpers.sendInteractionResponse(seen.interactions[2].id, seen.interactions[2].token, {
        type: 7,
        data: { content: "Skipped" },
      });
      assert.deepEqual(await press.waitForResponse(), { type: 7, data: { content: "Skipped" } });
    });

    await t.step("joining voice sends op 4; the bot hears its voice state and the voice server", async () => {
      await bot.gateway.joinVoiceChannel(discord.guild.id, discord.guild.voiceChannelId, { selfDeaf: true });
      await eventually(() => seen.voiceServers.length === 1, "VOICE_SERVER_UPDATE");
      assert.equal(seen.voiceServers[0].endpoint, "localhost:4321");
      assert.equal(discord.voiceStateUpdates.items[0].self_deaf, true);
      const own = seen.voiceStates.find((state) => state.userId === bot.id);
      assert.equal(own?.channelId, BigInt(discord.guild.voiceChannelId));
      assert.equal(discord.voiceChannelOf(discord.guild.botUser.id), discord.guild.voiceChannelId);

      await bot.gateway.leaveVoiceChannel(discord.guild.id);
      await eventually(() => seen.voiceStates.length === 2, "the bot's VOICE_STATE_UPDATE on leaving");
      assert.equal(seen.voiceStates[1].channelId, undefined);
      assert.equal(discord.voiceChannelOf(discord.guild.botUser.id), null);
    });

    await t.step("a user moving between channels reaches the bot", async () => {
      const bob = discord.guild.humanIds[1];
      discord.setVoiceState(bob, discord.guild.otherVoiceChannelId);
      await eventually(
        () => seen.voiceStates.some((state) => state.userId === BigInt(bob)),
        "bob's voice state",
      );
      const bobState = seen.voiceStates.find((state) => state.userId === BigInt(bob));
      assert.equal(bobState?.channelId, BigInt(discord.guild.otherVoiceChannelId));
    });
  } finally {
    await stopBot(bot);
    await discord.close();
  }
});

Deno.test("the fake refuses a wrong token: REST 401, gateway close 4004", async () => {
  const discord = await FakeDiscord.start({ validateBodies: false });
  try {
    const response = await fetch(`${discord.apiUrl}/v10/users/@me`, {
      headers: { authorization: "Bot wrong" },
    });
    assert.equal(response.status, 401);
    await response.body?.cancel();
    const socket = new WebSocket(`${discord.gatewayUrl}/?v=10&encoding=json`);
    socket.onopen = () => socket.send(JSON.stringify({ op: 2, d: { token: "Bot wrong", intents: INTENTS } }));
    const closed = await new Promise<CloseEvent>((resolve) => socket.onclose = resolve);
    assert.equal(closed.code, 4004);
  } finally {
    await discord.close();
  }
});

Deno.test("with extra guilds, each is created, takes commands and answers voice on its own", async () => {
  const discord = await FakeDiscord.start({ voiceEndpoint: "localhost:4321", extraGuilds: 2 });
  const { bot, seen } = startBot(discord);
  try {
    const [first, , third] = discord.guilds;
    assert.equal(first, discord.guild);
    assert.equal(new Set(discord.guilds.map((guild) => guild.id)).size, 3);
    await bot.start();
    await eventually(() => seen.guilds.length === 3, "three GUILD_CREATEs");
    assert.deepEqual(seen.guilds.map((guild) => String(guild.id)), discord.guilds.map((guild) => guild.id));
    const alice = BigInt(third.humanIds[0]);
    assert.equal(seen.guilds[2].voiceStates?.get(alice)?.channelId, BigInt(third.voiceChannelId));

    await bot.helpers.upsertGlobalApplicationCommands([PLAY]);
    const use = {
      name: "play",
      options: [{ name: "query", type: 3, value: "mozart" }],
      userId: third.humanIds[0],
    };
    const interaction = discord.sendCommandIn(third.id, use);
    await eventually(() => seen.interactions.length === 1, "INTERACTION_CREATE");
    assert.equal(String(seen.interactions[0].id), interaction.id);
    assert.equal(interaction.payload.guild_id, third.id);
    assert.throws(() => discord.sendCommandIn("1", use), /no guild "1"/);

    await bot.gateway.joinVoiceChannel(third.id, third.voiceChannelId, { selfDeaf: true });
    await eventually(() => seen.voiceServers.length === 1, "VOICE_SERVER_UPDATE");
    const own = seen.voiceStates.find((state) => state.userId === bot.id);
    assert.equal(own?.channelId, BigInt(third.voiceChannelId));
    // The first guild's voice states and records are untouched by a join in the third.
    assert.equal(discord.voiceChannelOf(first.botUser.id), null);
    assert.equal(discord.voiceStateUpdates.items.length, 0);
  } finally {
    await stopBot(bot);
    await discord.close();
  }
});
