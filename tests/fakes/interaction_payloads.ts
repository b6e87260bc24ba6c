import { EVERYONE_PERMISSIONS, type FakeGuild, memberOf } from "./fake_guild.ts";
import { nextSnowflake } from "./snowflake.ts";

/** An option of a command as it arrives in an interaction. */
export interface InteractionOption {
  readonly name: string;
  readonly type: number;
  readonly value?: string | number | boolean;
  readonly focused?: boolean;
  readonly options?: readonly InteractionOption[];
}

/** Who triggers an interaction and where. */
export interface InteractionActor {
  readonly userId: string;
  /** The member's computed permissions in the channel; default those of @everyone. */
  readonly memberPermissions?: string | bigint;
  /** Role ids the member has; default none. */
  readonly roles?: readonly string[];
  /** Default: the guild's text channel. */
  readonly channelId?: string;
}

/** A slash command use, or an autocomplete request for one. */
export interface CommandUse extends InteractionActor {
  readonly name: string;
  readonly options?: readonly InteractionOption[];
  /** Objects the options refer to by id, e.g. `{ attachments: { [id]: attachment } }`. */
  readonly resolved?: Readonly<Record<string, unknown>>;
}

/** A button (or select menu) press on a message. */
export interface ComponentUse extends InteractionActor {
  readonly customId: string;
  readonly messageId: string;
  /** 2 for a button (default), 3 for a string select. */
  readonly componentType?: number;
  readonly values?: readonly string[];
}

/** Interaction types Discord sends. */
export const InteractionType = { ApplicationCommand: 2, MessageComponent: 3, Autocomplete: 4 } as const;

/** A built interaction: its identity and the INTERACTION_CREATE payload. */
export interface BuiltInteraction {
  readonly id: string;
  readonly token: string;
  readonly payload: Record<string, unknown>;
}

/** What every interaction payload needs besides its type and data. */
export interface InteractionContext {
  readonly guild: FakeGuild;
  readonly applicationId: string;
}

/** Builds an INTERACTION_CREATE payload of `type` with `data`, sent by `actor`. */
export function buildInteraction(
  context: InteractionContext,
  type: number,
  actor: InteractionActor,
  data: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): BuiltInteraction {
  const { guild, applicationId } = context;
  const id = nextSnowflake();
  const token = `fake-interaction-${crypto.randomUUID().replaceAll("-", "")}`;
  const channelId = actor.channelId ?? guild.textChannelId;
  const member = {
    ...memberOf(guild, actor.userId, actor.roles),
    permissions: String(actor.memberPermissions ?? EVERYONE_PERMISSIONS),
  };
  const payload = {
    id,
    application_id: applicationId,
    type,
    data,
    guild_id: guild.id,
    guild: { id: guild.id, locale: "en-US", features: [] },
    channel_id: channelId,
    channel: { id: channelId, type: 0, guild_id: guild.id, name: "general", permissions: member.permissions },
    member,
    token,
    version: 1,
    app_permissions: EVERYONE_PERMISSIONS,
    locale: "en-US",
    guild_locale: "en-US",
    entitlements: [],
    authorizing_integration_owners: { "0": guild.id },
    context: 0,
    attachment_size_limit: 10 * 1024 * 1024,
    ...extra,
  };
  return { id, token, payload };
}

/** The `data` of a slash command or autocomplete interaction. */
export function commandData(use: CommandUse, commandId: string, guildId?: string): Record<string, unknown> {
  return {
    id: commandId,
    name: use.name,
    type: 1,
    options: use.options ?? [],
    ...(use.resolved && { resolved: use.resolved }),
    ...(guildId && { guild_id: guildId }),
  };
}

/** The `data` of a component interaction. */
export function componentData(use: ComponentUse): Record<string, unknown> {
  const componentType = use.componentType ?? 2;
  return {
    custom_id: use.customId,
    component_type: componentType,
    ...(componentType === 3 && { values: use.values ?? [] }),
  };
}
