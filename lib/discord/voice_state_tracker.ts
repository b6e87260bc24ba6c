/** Knows which voice channel each member is in, from GUILD_CREATE and VOICE_STATE_UPDATE. */
import type { DiscordGuild, DiscordVoiceState } from "discordeno";

/** Per guild: user id → voice channel id. */
export class VoiceStateTracker {
  #guilds = new Map<string, Map<string, string>>();
  #bots = new Set<string>();

  /** GUILD_CREATE carries every member currently in voice. */
  onGuildCreate(guild: DiscordGuild): void {
    for (const member of guild.members ?? []) if (member.user?.bot) this.#bots.add(member.user.id);
    const members = new Map<string, string>();
    for (const state of guild.voice_states ?? []) {
      if (state.channel_id) members.set(state.user_id, state.channel_id);
    }
    this.#guilds.set(guild.id, members);
  }

  onVoiceStateUpdate(state: DiscordVoiceState): void {
    if (state.member?.user?.bot) this.#bots.add(state.user_id);
    if (!state.guild_id) return;
    const members = this.#guilds.get(state.guild_id) ?? new Map<string, string>();
    this.#guilds.set(state.guild_id, members);
    if (state.channel_id) members.set(state.user_id, state.channel_id);
    else members.delete(state.user_id);
  }

  /** The bot was removed from `guildId`: nothing of its members' voice is kept. */
  forgetGuild(guildId: string): void {
    this.#guilds.delete(guildId);
  }

  /** The voice channel `userId` is in, if any. */
  channelOf(guildId: string, userId: string): string | undefined {
    return this.#guilds.get(guildId)?.get(userId);
  }

  /** Everyone in `channelId`, bots included. */
  membersIn(guildId: string, channelId: string): string[] {
    const members = this.#guilds.get(guildId) ?? new Map<string, string>();
    return [...members].filter(([, channel]) => channel === channelId).map(([user]) => user);
  }

  /** The people in `channelId`: members that are not bots. */
  listenersIn(guildId: string, channelId: string): string[] {
    return this.membersIn(guildId, channelId).filter((userId) => !this.#bots.has(userId));
  }

  guildIds(): string[] {
    return [...this.#guilds.keys()];
  }
}
