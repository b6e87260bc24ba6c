import type { FakeGuild } from "./fake_guild.ts";
import type { GatewaySession } from "./gateway_session.ts";
import { Recorder } from "./recorder.ts";
import type { VoiceStates } from "./voice_states.ts";

/** A voice server handed to the bot. */
export interface VoiceServerUpdate {
  readonly token: string;
  readonly guild_id: string;
  readonly endpoint: string;
}

/** Answers the bot's Voice State Updates (op 4) the way Discord does. */
export class BotVoice {
  /** Op 4 payloads (`d`) the bot sent. */
  readonly requests: Recorder<Record<string, unknown>> = new Recorder();
  /** VOICE_SERVER_UPDATE payloads sent to the bot. */
  readonly servers: Recorder<VoiceServerUpdate> = new Recorder();
  readonly #guild: FakeGuild;
  readonly #voiceStates: VoiceStates;
  readonly #endpoint: string;

  constructor(guild: FakeGuild, voiceStates: VoiceStates, endpoint: string) {
    this.#guild = guild;
    this.#voiceStates = voiceStates;
    this.#endpoint = endpoint;
  }

  /** Records an op 4 and answers on the bot's session: its new voice state, then a voice server if it joined. */
  handle(session: GatewaySession, d: Record<string, unknown>): void {
    this.requests.push(d);
    const channelId = (d.channel_id ?? null) as string | null;
    const voiceChannels = [this.#guild.voiceChannelId, this.#guild.otherVoiceChannelId];
    // Discord ignores requests for other guilds or non-voice channels: the bot just never hears back.
    if (d.guild_id !== this.#guild.id || (channelId !== null && !voiceChannels.includes(channelId))) return;
    const change = { sessionId: session.id, selfDeaf: d.self_deaf === true, selfMute: d.self_mute === true };
    session.dispatch("VOICE_STATE_UPDATE", this.#voiceStates.set(this.#guild.botUser.id, channelId, change));
    if (channelId === null) return;
    const server = {
      token: crypto.randomUUID().replaceAll("-", "").slice(0, 16),
      guild_id: this.#guild.id,
      endpoint: this.#endpoint,
    };
    this.servers.push(server);
    session.dispatch("VOICE_SERVER_UPDATE", server);
  }
}
