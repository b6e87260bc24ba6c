/**
 * Each guild's role names by id, so a "DJ" role can be recognised by its name: read from GUILD_CREATE and
 * kept current by the role events, forgotten when the bot leaves the guild. Members' roles need no
 * tracking: every interaction carries its member's role ids.
 */
import type { DiscordGuild } from "discordeno";

/** A role as the gateway sends it; only these fields matter here. */
export interface RoleData {
  id: string;
  name: string;
}

/** GUILD_ROLE_CREATE, GUILD_ROLE_UPDATE and GUILD_ROLE_DELETE, with Discord's own field names. */
export type GuildRoleEvent =
  | { type: "GUILD_ROLE_CREATE" | "GUILD_ROLE_UPDATE"; data: { guild_id: string; role: RoleData } }
  | { type: "GUILD_ROLE_DELETE"; data: { guild_id: string; role_id: string } };

/** Guild id → its roles. */
export class GuildRoles {
  #roles = new Map<string, RoleData[]>();

  onGuildCreate(guild: DiscordGuild): void {
    this.#roles.set(guild.id, (guild.roles ?? []).map((role) => ({ id: role.id, name: role.name })));
  }

  /** A role was made, renamed or deleted. */
  onRoleEvent(event: GuildRoleEvent): void {
    const { guild_id: guildId } = event.data;
    const roles = this.#roles.get(guildId);
    // Events for a guild not yet seen are left to its GUILD_CREATE, which lists every role.
    if (!roles) return;
    const removedId = event.type === "GUILD_ROLE_DELETE" ? event.data.role_id : event.data.role.id;
    const kept = roles.filter((role) => role.id !== removedId);
    if (event.type !== "GUILD_ROLE_DELETE") kept.push({ id: event.data.role.id, name: event.data.role.name });
    this.#roles.set(guildId, kept);
  }

  /** The bot left the guild (or it went unavailable): its roles come again with its next GUILD_CREATE. */
  onGuildDelete(guildId: string): void {
    this.#roles.delete(guildId);
  }

  of(guildId: string): RoleData[] {
    return this.#roles.get(guildId) ?? [];
  }

  /** How many guilds are remembered. */
  get size(): number {
    return this.#roles.size;
  }
}
