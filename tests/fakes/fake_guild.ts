/** The one guild the fake Discord serves: fixed ids so test output is stable, payloads shaped like Discord's. */

/** A user object as Discord sends it. */
export interface FakeUser {
  readonly id: string;
  readonly username: string;
  readonly global_name: string | null;
  readonly discriminator: string;
  readonly avatar: null;
  readonly bot?: boolean;
}

/** A guild member as Discord sends it (with its user). */
export interface FakeMember {
  readonly user: FakeUser;
  readonly roles: readonly string[];
  readonly nick: null;
  readonly avatar: null;
  readonly joined_at: string;
  readonly deaf: boolean;
  readonly mute: boolean;
  readonly flags: number;
  readonly pending: boolean;
}

/** The guild and the ids tests refer to. */
export interface FakeGuild {
  readonly id: string;
  readonly name: string;
  readonly textChannelId: string;
  readonly voiceChannelId: string;
  readonly otherVoiceChannelId: string;
  /** The "DJ" role; nobody has it until a test gives it. */
  readonly djRoleId: string;
  readonly botUser: FakeUser;
  /** The human members' user ids, in the order of `members`. */
  readonly humanIds: readonly string[];
  /** Every member, humans first, then the bot. */
  readonly members: readonly FakeMember[];
}

const JOINED_AT = "2024-01-01T00:00:00.000000+00:00";

/** Permissions of @everyone: view, send, embed, history, connect, speak, voice activity, use commands. */
export const EVERYONE_PERMISSIONS: string = String(
  (1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 16n) | (1n << 20n) | (1n << 21n) | (1n << 25n) |
    (1n << 31n),
);

function user(id: string, username: string, bot = false): FakeUser {
  return {
    id,
    username,
    global_name: bot ? null : username,
    discriminator: "0",
    avatar: null,
    ...(bot && { bot }),
  };
}

function member(user: FakeUser): FakeMember {
  return {
    user,
    roles: [],
    nick: null,
    avatar: null,
    joined_at: JOINED_AT,
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
  };
}

/**
 * Builds a fixture guild: three humans (alice, bob, carol) and the bot. `index` 0 is the guild every test
 * uses; further indexes give guilds with their own ids (channels, roles) and the same users, for tests and
 * benchmarks with several guilds.
 */
export function createFakeGuild(index = 0): FakeGuild {
  const botUser = user("1200000000000000001", "Trazom", true);
  const humans = [
    user("1200000000000000201", "alice"),
    user("1200000000000000202", "bob"),
    user("1200000000000000203", "carol"),
  ];
  // Guild 0 keeps its historical ids; guild n moves them by n × 1000 so none collides with a user id.
  const id = (suffix: number) => String(1200000000000000100n + BigInt(index) * 1000n + BigInt(suffix));
  return {
    id: id(0),
    name: index === 0 ? "Trazom test guild" : `Trazom test guild ${index + 1}`,
    textChannelId: id(1),
    voiceChannelId: id(2),
    otherVoiceChannelId: id(3),
    djRoleId: id(10),
    botUser,
    humanIds: humans.map((human) => human.id),
    members: [...humans, botUser].map(member),
  };
}

/** The member object of `userId`, with extra roles if given. */
export function memberOf(guild: FakeGuild, userId: string, roles?: readonly string[]): FakeMember {
  const found = guild.members.find((candidate) => candidate.user.id === userId);
  if (!found) throw new Error(`No member "${userId}" in the fake guild`);
  return roles ? { ...found, roles } : found;
}

/** The channel objects of the guild: one text channel and two voice channels. */
export function guildChannels(guild: FakeGuild): Record<string, unknown>[] {
  const base = {
    guild_id: guild.id,
    permission_overwrites: [],
    parent_id: null,
    nsfw: false,
    rate_limit_per_user: 0,
  };
  const voice = { ...base, type: 2, bitrate: 64000, user_limit: 0, rtc_region: null, last_message_id: null };
  return [
    {
      ...base,
      id: guild.textChannelId,
      type: 0,
      name: "general",
      position: 0,
      topic: null,
      last_message_id: null,
    },
    { ...voice, id: guild.voiceChannelId, name: "Music", position: 1 },
    { ...voice, id: guild.otherVoiceChannelId, name: "Lounge", position: 2 },
  ];
}

/** The role objects of the guild: @everyone (whose id is the guild's) and "DJ". */
export function guildRoles(guild: FakeGuild): Record<string, unknown>[] {
  const base = {
    color: 0,
    hoist: false,
    icon: null,
    unicode_emoji: null,
    managed: false,
    mentionable: false,
    flags: 0,
  };
  return [
    { ...base, id: guild.id, name: "@everyone", position: 0, permissions: EVERYONE_PERMISSIONS },
    { ...base, id: guild.djRoleId, name: "DJ", position: 1, permissions: "0" },
  ];
}

/** The GUILD_CREATE payload, given the current voice states (which carry no guild_id there, as on Discord). */
export function guildCreatePayload(guild: FakeGuild, voiceStates: unknown[]): Record<string, unknown> {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.humanIds[0],
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    preferred_locale: "en-US",
    system_channel_id: guild.textChannelId,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    application_id: null,
    features: [],
    emojis: [],
    stickers: [],
    roles: guildRoles(guild),
    joined_at: JOINED_AT,
    large: false,
    unavailable: false,
    member_count: guild.members.length,
    members: guild.members,
    channels: guildChannels(guild),
    threads: [],
    presences: [],
    voice_states: voiceStates,
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}
