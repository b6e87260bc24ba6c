/** What commands share: the sessions and what the gateway told us about members and roles. */
import type { GuildRoles } from "../discord/guild_roles.ts";
import type { VoiceStateTracker } from "../discord/voice_state_tracker.ts";
import type { GuildSessions } from "../guild/guild_sessions.ts";
import type { SkipVotes } from "../guild/skip_votes.ts";

/** Passed to every command factory by main.ts. */
export interface CommandDeps {
  sessions: GuildSessions;
  voiceStates: VoiceStateTracker;
  roles: GuildRoles;
  djRoleName: string;
  /** One tally per guild, for the track playing there. */
  skipVotes: (guildId: string) => SkipVotes;
}
