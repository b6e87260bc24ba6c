/** Each guild's role names by id, from GUILD_CREATE, so a "DJ" role can be recognised by its name. */
import type { DiscordGuild } from "discordeno";

/** Guild id → its roles. */
export class GuildRoles {
  #roles = new Map<string, { id: string; name: string }[]>();

  onGuildCreate(guild: DiscordGuild): void {
    this.#roles.set(guild.id, (guild.roles ?? []).map((role) => ({ id: role.id, name: role.name })));
  }

  of(guildId: string): { id: string; name: string }[] {
    return this.#roles.get(guildId) ?? [];
  }
}
