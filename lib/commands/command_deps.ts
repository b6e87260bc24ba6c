/** What commands share: the sessions and what the gateway told us about members and roles. */
import type { GuildRoles } from "../discord/guild_roles.ts";
import type { RateLimiter } from "../limits/rate_limiter.ts";
import type { VoiceStateTracker } from "../discord/voice_state_tracker.ts";
import type { GuildSessions } from "../guild/guild_sessions.ts";
import type { WorkerClient } from "../channels/worker_client.ts";
import type { ResolverAnswer, ResolverRequest } from "../channels/resolver_messages.ts";
import type { LookAheadHints } from "../sources/suggestion_look_ahead.ts";

/** Passed to every command factory by main.ts. */
export interface CommandDeps {
  sessions: GuildSessions;
  voiceStates: VoiceStateTracker;
  roles: GuildRoles;
  djRoleName: string;
  /** For autocomplete, which asks the resolver directly rather than through a guild's query task. */
  resolver: WorkerClient<ResolverRequest, ResolverAnswer>;
  /** Told what autocomplete suggested, to look the top suggestion up ahead; absent: no look-ahead. */
  lookAhead?: LookAheadHints;
  /** Each user's /play rate; absent: no limit. */
  playRate?: RateLimiter;
}
