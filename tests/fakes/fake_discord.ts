/**
 * A fake Discord for end-to-end tests: a gateway (v10, JSON) and a REST API on loopback ports, serving one guild
 * (or more, with `extraGuilds`).
 * The bot under test gets `apiUrl`, `gatewayUrl` and `botToken`; tests drive users and read what the bot did.
 */
import { BotVoice, type VoiceServerUpdate } from "./bot_voice.ts";
import { CommandStore, type RegisteredCommand } from "./command_store.ts";
import { createFakeGuild, type FakeGuild, guildCreatePayload } from "./fake_guild.ts";
import { FakeGateway } from "./fake_gateway.ts";
import { FakeInteraction } from "./fake_interaction.ts";
import { FakeRest, type RecordedRequest, type Rejection } from "./fake_rest.ts";
import {
  buildInteraction,
  commandData,
  type CommandUse,
  componentData,
  type ComponentUse,
  InteractionType,
} from "./interaction_payloads.ts";
import { MessageStore } from "./message_store.ts";
import { OpenApiValidator } from "./openapi_validator.ts";
import { Recorder } from "./recorder.ts";
import { nextSnowflake } from "./snowflake.ts";
import { readyPayload } from "./ready_payload.ts";
import type { ChannelMessage } from "./rest_route.ts";
import { VoiceStates } from "./voice_states.ts";

/** How to start a fake Discord. */
export interface FakeDiscordOptions {
  /** The voice server address handed out in VOICE_SERVER_UPDATE; default "localhost:1234". */
  readonly voiceEndpoint?: string;
  /** Discord's OpenAPI description; default the copy in tests/fixtures/discord/. */
  readonly openapiPath?: string;
  /** Check request bodies against the OpenAPI description (default true). */
  readonly validateBodies?: boolean;
  /** Heartbeat interval sent in Hello (default 41250, at least 1500). */
  readonly heartbeatIntervalMs?: number;
  /** Intents an identify may use; others are closed with 4014. Default: all but the privileged ones. */
  readonly allowedIntents?: number;
  /** How long the bot has to answer an interaction (Discord: 3000 ms). */
  readonly interactionDeadlineMs?: number;
  /** Who is in voice when the bot connects, user id to channel id; default alice in the voice channel. */
  readonly initialVoiceStates?: Readonly<Record<string, string>>;
  /**
   * Guilds served beyond `guild` (default 0), for several guilds playing at once. Each has its own ids and
   * the same users, with alice in its voice channel from the start; drive them with `sendCommandIn`.
   */
  readonly extraGuilds?: number;
}

/** The fake Discord and its controls. */
export class FakeDiscord {
  readonly guild: FakeGuild = createFakeGuild();
  /** The only token accepted: other tokens get gateway close 4004 and REST 401. */
  readonly botToken: string = `${btoa(this.guild.botUser.id)}.ZmFrZQ.ZmFrZS1kaXNjb3JkLXRva2Vu`;
  /** Equal to the bot user's id, as for every modern bot. */
  readonly applicationId: string = this.guild.botUser.id;
  /** The gateway itself, for resilience tests: `closeAll`, `goHalfOpen`, `goAway`, `connectionAttempts`... */
  readonly gateway: FakeGateway;
  /** Sessions that received READY and GUILD_CREATE, by session id. */
  readonly readySessions: Recorder<string> = new Recorder();
  readonly #rest: FakeRest;
  readonly #voiceStates = new VoiceStates(this.guild);
  readonly #commands = new CommandStore(this.applicationId);
  readonly #messages = new MessageStore(this.guild.botUser);
  readonly #interactions = new Map<string, FakeInteraction>();
  readonly #channelMessages = new Recorder<ChannelMessage>();
  readonly #options: FakeDiscordOptions;
  readonly #botVoice: BotVoice;
  /** The guilds beyond `guild`, each with its own voice states and voice answers. */
  readonly #extraGuilds: { guild: FakeGuild; voiceStates: VoiceStates; botVoice: BotVoice }[] = [];

  private constructor(options: FakeDiscordOptions, validator: OpenApiValidator | null) {
    this.#options = options;
    this.#botVoice = new BotVoice(this.guild, this.#voiceStates, options.voiceEndpoint ?? "localhost:1234");
    const initial = options.initialVoiceStates ?? { [this.guild.humanIds[0]]: this.guild.voiceChannelId };
    for (const [userId, channelId] of Object.entries(initial)) this.#voiceStates.set(userId, channelId);
    for (let index = 1; index <= (options.extraGuilds ?? 0); index++) {
      const guild = createFakeGuild(index);
      const voiceStates = new VoiceStates(guild);
      voiceStates.set(guild.humanIds[0], guild.voiceChannelId);
      const botVoice = new BotVoice(guild, voiceStates, options.voiceEndpoint ?? "localhost:1234");
      this.#extraGuilds.push({ guild, voiceStates, botVoice });
    }
    this.gateway = FakeGateway.start({
      token: this.botToken,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      allowedIntents: options.allowedIntents,
      readyEvents: (sessionId, resumeGatewayUrl) => this.#readyEvents(sessionId, resumeGatewayUrl),
      onVoiceStateUpdate: (session, d) => this.#botVoiceFor(d.guild_id).handle(session, d),
    });
    this.#rest = new FakeRest(
      {
        applicationId: this.applicationId,
        guild: this.guild,
        gatewayUrl: () => this.gateway.url,
        commands: this.#commands,
        messages: this.#messages,
        voiceStates: this.#voiceStates,
        interactions: this.#interactions,
        channelMessages: this.#channelMessages,
      },
      this.botToken,
      validator,
    );
  }

  /** Starts the gateway and the REST API. */
  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const validator = options.validateBodies === false
      ? null
      : await OpenApiValidator.shared(options.openapiPath);
    return new FakeDiscord(options, validator);
  }

  /** For DISCORD_API_URL / `rest.proxy.baseUrl`. */
  get apiUrl(): string {
    return this.#rest.apiUrl;
  }

  /** For DISCORD_GATEWAY_URL / `gateway.url`. */
  get gatewayUrl(): string {
    return this.gateway.url;
  }

  /** Every REST request, with the status it got. */
  get requests(): readonly RecordedRequest[] {
    return this.#rest.requests.items;
  }

  /** Requests refused with 400 "Invalid Form Body", with the reasons. */
  get rejections(): readonly Rejection[] {
    return this.#rest.rejections.items;
  }

  /** Messages the bot posted with POST /channels/{id}/messages. */
  get channelMessages(): readonly ChannelMessage[] {
    return this.#channelMessages.items;
  }

  /** The application commands currently registered, global ones first (guild ones carry `guild_id`). */
  get commands(): readonly RegisteredCommand[] {
    return this.#commands.all();
  }

  /** Op 4 payloads (`d`) the bot sent. */
  get voiceStateUpdates(): Recorder<Record<string, unknown>> {
    return this.#botVoice.requests;
  }

  /** VOICE_SERVER_UPDATE payloads sent to the bot (their tokens are what a fake voice server should expect). */
  get voiceServerUpdates(): Recorder<VoiceServerUpdate> {
    return this.#botVoice.servers;
  }

  /** The first request (past or future) matching `predicate`. */
  waitForRequest(
    predicate: (request: RecordedRequest) => boolean,
    timeoutMs = 5000,
  ): Promise<RecordedRequest> {
    return this.#rest.requests.waitFor(predicate, timeoutMs, "a REST request");
  }

  /** The first channel message (past or future) matching `predicate`. */
  waitForChannelMessage(
    predicate: (message: ChannelMessage) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<ChannelMessage> {
    return this.#channelMessages.waitFor(predicate, timeoutMs, "a channel message");
  }

  /** Resolves once a session has received READY and GUILD_CREATE. */
  waitForReady(timeoutMs = 10_000): Promise<string> {
    return this.readySessions.waitFor(() => true, timeoutMs, "READY");
  }

  /** Every guild served: `guild` first, then the extra ones. */
  get guilds(): readonly FakeGuild[] {
    return [this.guild, ...this.#extraGuilds.map((extra) => extra.guild)];
  }

  /** A user runs a slash command in the guild `guildId` (one of `guilds`). */
  sendCommandIn(guildId: string, use: CommandUse): FakeInteraction {
    const guild = this.guilds.find((candidate) => candidate.id === guildId);
    if (!guild) throw new Error(`The fake Discord serves no guild "${guildId}"`);
    const data = commandData(use, this.#commandId(use.name));
    return this.#send(InteractionType.ApplicationCommand, use, data, {}, guild);
  }

  /** The voice channel a user (or the bot) is in, or null. */
  voiceChannelOf(userId: string): string | null {
    return this.#voiceStates.channelOf(userId);
  }

  /** Moves a user into a voice channel (null: out of voice) and tells the bot with VOICE_STATE_UPDATE. */
  setVoiceState(userId: string, channelId: string | null): void {
    const voiceChannels = [this.guild.voiceChannelId, this.guild.otherVoiceChannelId];
    if (channelId !== null && !voiceChannels.includes(channelId)) {
      throw new Error(`"${channelId}" is no voice channel`);
    }
    this.gateway.dispatch("VOICE_STATE_UPDATE", this.#voiceStates.set(userId, channelId));
  }

  /** A user runs a slash command. */
  sendCommand(use: CommandUse): FakeInteraction {
    return this.#send(InteractionType.ApplicationCommand, use, commandData(use, this.#commandId(use.name)));
  }

  /** A user types into an option with autocomplete (mark it `focused: true`); the answer is type 8. */
  sendAutocomplete(use: CommandUse): FakeInteraction {
    return this.#send(InteractionType.Autocomplete, use, commandData(use, this.#commandId(use.name)));
  }

  /**
   * A file a user attaches to a command (an option of type 11 names its id): served on loopback as
   * Discord's CDN serves attachments. Put the result in the command's `resolved.attachments` under its id.
   */
  attachment(filename: string, text: string): { id: string; filename: string; size: number; url: string } {
    const id = nextSnowflake();
    const bytes = new TextEncoder().encode(text);
    const url = this.#rest.serveAttachment(id, filename, bytes);
    return {
      id,
      filename,
      size: bytes.length,
      url,
      proxy_url: url,
      content_type: "text/plain; charset=utf-8",
    } as {
      id: string;
      filename: string;
      size: number;
      url: string;
    };
  }

  /** A user presses a button (or picks from a select menu) on one of the bot's messages. */
  sendComponent(use: ComponentUse): FakeInteraction {
    const message = this.#messages.get(use.messageId);
    if (!message) throw new Error(`No message "${use.messageId}" to press a component on`);
    return this.#send(InteractionType.MessageComponent, use, componentData(use), { message });
  }

  /** Stops both servers. */
  async close(): Promise<void> {
    await Promise.all([this.gateway.close(), this.#rest.close()]);
  }

  #send(
    type: number,
    use: CommandUse | ComponentUse,
    data: Record<string, unknown>,
    extra = {},
    guild = this.guild,
  ): FakeInteraction {
    const context = { guild, applicationId: this.applicationId };
    const built = buildInteraction(context, type, use, data, extra);
    const interaction = new FakeInteraction(built, this.#options.interactionDeadlineMs ?? 3000);
    if ("messageId" in use) interaction.originalMessageId = use.messageId;
    this.#interactions.set(interaction.id, interaction);
    this.gateway.dispatch("INTERACTION_CREATE", built.payload);
    return interaction;
  }

  #commandId(name: string): string {
    const command = this.#commands.all().find((candidate) => candidate.name === name);
    if (!command) throw new Error(`The bot registered no command "${name}"`);
    return command.id;
  }

  #readyEvents(sessionId: string, resumeGatewayUrl: string): [string, unknown][] {
    // Runs once the gateway has dispatched both events, which it does synchronously after this returns.
    queueMicrotask(() => this.readySessions.push(sessionId));
    const others = this.#extraGuilds.map((extra) => extra.guild);
    return [
      ["READY", readyPayload(this.guild, this.applicationId, sessionId, resumeGatewayUrl, others)],
      ["GUILD_CREATE", guildCreatePayload(this.guild, this.#voiceStates.list())],
      ...this.#extraGuilds.map(({ guild, voiceStates }): [string, unknown] => [
        "GUILD_CREATE",
        guildCreatePayload(guild, voiceStates.list()),
      ]),
    ];
  }

  // Op 4 for an unknown guild goes to the first guild's handler, which ignores it as Discord does.
  #botVoiceFor(guildId: unknown): BotVoice {
    return this.#extraGuilds.find((extra) => extra.guild.id === guildId)?.botVoice ?? this.#botVoice;
  }
}
