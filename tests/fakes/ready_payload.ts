import type { FakeGuild } from "./fake_guild.ts";

/**
 * The READY payload of a new session: the bot user and its guilds (unavailable until GUILD_CREATE), `guild`
 * first, then `otherGuilds`.
 */
export function readyPayload(
  guild: FakeGuild,
  applicationId: string,
  sessionId: string,
  resumeGatewayUrl: string,
  otherGuilds: readonly FakeGuild[] = [],
): Record<string, unknown> {
  return {
    v: 10,
    user: { ...guild.botUser, verified: true, mfa_enabled: false, flags: 0 },
    guilds: [guild, ...otherGuilds].map(({ id }) => ({ id, unavailable: true })),
    session_id: sessionId,
    session_type: "normal",
    resume_gateway_url: resumeGatewayUrl,
    shard: [0, 1],
    application: { id: applicationId, flags: 0 },
    private_channels: [],
    presences: [],
    relationships: [],
    guild_join_requests: [],
    geo_ordered_rtc_regions: ["rotterdam"],
    user_settings: {},
    _trace: ["fake-discord"],
  };
}
