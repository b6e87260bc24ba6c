import { type FakeGuild, memberOf } from "./fake_guild.ts";

/** Where one user is in voice. */
interface VoiceStateEntry {
  readonly channelId: string;
  readonly sessionId: string;
  readonly selfDeaf: boolean;
  readonly selfMute: boolean;
}

/** Options of a voice state change beyond the channel. */
export interface VoiceStateChange {
  readonly sessionId?: string;
  readonly selfDeaf?: boolean;
  readonly selfMute?: boolean;
}

/** Who is in which voice channel of the fake guild, and the payloads Discord sends about it. */
export class VoiceStates {
  readonly #guild: FakeGuild;
  readonly #entries = new Map<string, VoiceStateEntry>();

  constructor(guild: FakeGuild) {
    this.#guild = guild;
  }

  /** Moves a user (null: out of voice) and returns the VOICE_STATE_UPDATE payload describing it. */
  set(userId: string, channelId: string | null, change: VoiceStateChange = {}): Record<string, unknown> {
    const previous = this.#entries.get(userId);
    const sessionId = change.sessionId ?? previous?.sessionId ?? crypto.randomUUID().replaceAll("-", "");
    const entry = {
      channelId: channelId ?? "",
      sessionId,
      selfDeaf: change.selfDeaf ?? false,
      selfMute: change.selfMute ?? false,
    };
    if (channelId === null) this.#entries.delete(userId);
    else this.#entries.set(userId, entry);
    return {
      guild_id: this.#guild.id,
      member: memberOf(this.#guild, userId),
      ...this.#payload(userId, entry),
    };
  }

  /** The channel a user is in, or null. */
  channelOf(userId: string): string | null {
    return this.#entries.get(userId)?.channelId ?? null;
  }

  /** The voice states as listed in GUILD_CREATE. */
  list(): Record<string, unknown>[] {
    return [...this.#entries].map(([userId, entry]) => this.#payload(userId, entry));
  }

  #payload(userId: string, entry: VoiceStateEntry): Record<string, unknown> {
    return {
      user_id: userId,
      channel_id: entry.channelId || null,
      session_id: entry.sessionId,
      deaf: false,
      mute: false,
      self_deaf: entry.selfDeaf,
      self_mute: entry.selfMute,
      self_video: false,
      suppress: false,
      request_to_speak_timestamp: null,
    };
  }
}
