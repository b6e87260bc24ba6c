/**
 * Everything the bot talks to in an end-to-end test, on loopback: a fake Discord (gateway, REST, voice
 * server with its own test CA) and a media server, plus the bot itself started against them.
 */
import { FakeDiscord, type FakeDiscordOptions } from "../fakes/fake_discord.ts";
import { FakeVoiceServer } from "../fakes/fake_voice_server.ts";
import { type MediaServer, startMediaServer } from "../fakes/media_server.ts";
import { createTestCertificates, type TestCertificates, trustEnv } from "../fakes/test_ca.ts";
import { BotProcess } from "./bot_process.ts";

/** Options for a world. */
export interface WorldOptions {
  /** Voice server DAVE setting: 1 (default) = end-to-end encryption, 0 = transport encryption only. */
  daveProtocolVersion?: number;
  /** Whether Alice, in the voice channel from the start, listens as a DAVE member (default: yes). */
  daveListener?: boolean;
  /** Fake Discord settings: heartbeat interval, allowed intents... */
  discord?: Omit<FakeDiscordOptions, "voiceEndpoint">;
}

/** The fakes, their settings for the bot, and a fresh data folder. */
export class TestWorld {
  #bots: BotProcess[] = [];
  #alsoClose: (() => Promise<void>)[] = [];

  private constructor(
    readonly certificates: TestCertificates,
    readonly voice: FakeVoiceServer,
    readonly discord: FakeDiscord,
    readonly media: MediaServer,
    readonly dataDir: string,
  ) {}

  static async start(options: WorldOptions = {}): Promise<TestWorld> {
    const certificates = await createTestCertificates();
    const voice = await FakeVoiceServer.start({
      certPem: certificates.certPem,
      keyPem: certificates.keyPem,
      daveProtocolVersion: options.daveProtocolVersion ?? 1,
    });
    const discord = await FakeDiscord.start({ ...options.discord, voiceEndpoint: voice.endpoint });
    voice.voiceChannelOf = (userId) => discord.voiceChannelOf(userId);
    if (options.daveListener ?? true) {
      voice.addListener(discord.guild.humanIds[0], discord.guild.voiceChannelId);
    }
    const dataDir = await Deno.makeTempDir({ prefix: "trazom_e2e_" });
    return new TestWorld(certificates, voice, discord, startMediaServer(), dataDir);
  }

  /** The configuration a bot in this world runs with; `overrides` adds or replaces variables. */
  botEnv(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      DISCORD_TOKEN: this.discord.botToken,
      DISCORD_API_URL: this.discord.apiUrl,
      DISCORD_GATEWAY_URL: this.discord.gatewayUrl,
      TRAZOM_DATA_DIR: this.dataDir,
      TRAZOM_ALLOW_PRIVATE_URLS: "1",
      // Nothing listens there: a bot without a fake YouTube, SponsorBlock or LRCLIB reaches no real one.
      YOUTUBE_URL: "http://127.0.0.1:9",
      SPONSORBLOCK_URL: "http://127.0.0.1:9",
      LRCLIB_URL: "http://127.0.0.1:9",
      ...trustEnv(this.certificates.caPath),
      ...overrides,
    };
  }

  /** Everything every bot in this world printed. */
  get botOutput(): string {
    return this.#bots.map((bot) => bot.log).join("\n");
  }

  /** Starts the bot and waits until its commands are registered and its gateway session is ready. */
  async startBot(overrides: Record<string, string> = {}): Promise<BotProcess> {
    const bot = BotProcess.start(this.botEnv(overrides));
    this.#bots.push(bot);
    await bot.waitForOutput(/Connected to Discord/, 30_000);
    return bot;
  }

  /** A /play from `userId`, returning the interaction to watch. */
  play(query: string, userId = this.alice) {
    return this.discord.sendCommand({
      name: "play",
      options: [{ name: "query", type: 3, value: query }],
      userId,
    });
  }

  /** A /play from `userId` in the guild `guildId` (one of `discord.guilds`). */
  playIn(guildId: string, query: string, userId = this.alice) {
    return this.discord.sendCommandIn(guildId, {
      name: "play",
      options: [{ name: "query", type: 3, value: query }],
      userId,
    });
  }

  get alice(): string {
    return this.discord.guild.humanIds[0];
  }

  get bob(): string {
    return this.discord.guild.humanIds[1];
  }

  /** Has `close` stop something a test added to the world (a fake service, say) after the bots. */
  closeWith(stop: () => Promise<void>): void {
    this.#alsoClose.push(stop);
  }

  /** Stops every bot it started and every fake, and removes the data folder. */
  async close(): Promise<void> {
    for (const bot of this.#bots) await bot.stop();
    for (const stop of this.#alsoClose) await stop();
    await this.discord.close();
    await this.voice.close();
    await this.media.close();
    await this.certificates.cleanup();
    await Deno.remove(this.dataDir, { recursive: true });
  }
}
