/** The one check every control goes through: is there music here, and may this member do this to it? */
import type { GuildSession } from "../guild/guild_session.ts";
import { type ControlAction, decideControl, isDj } from "../guild/control_policy.ts";
import { UserError } from "../user_error.ts";
import type { CommandContext } from "./command.ts";
import type { CommandDeps } from "./command_deps.ts";

/** The guild's session when `action` is allowed; otherwise a UserError saying why. */
export function authorizeControl(
  deps: CommandDeps,
  context: CommandContext,
  action: ControlAction,
  trackRequesterId?: string,
): GuildSession {
  const session = deps.sessions.get(context.guildId);
  if (!session?.channelId) {
    throw new UserError("I'm not in a voice channel right now. Use /play to start.");
  }
  return authorize(deps, context, session, action, trackRequesterId);
}

/**
 * Like authorizeControl, for settings (loop, mode, autoplay) that may be chosen before any music plays:
 * the session comes restored, so a setting chosen right after a start is not undone by the saved one.
 */
export async function authorizeSetting(
  deps: CommandDeps,
  context: CommandContext,
  action: ControlAction,
): Promise<GuildSession> {
  return authorize(deps, context, await deps.sessions.obtain(context.guildId), action);
}

/** DJ: the configured role, or the Manage Channels permission. */
export function memberIsDj(deps: CommandDeps, context: CommandContext): boolean {
  const member = context.interaction.member;
  return isDj(
    { roles: member?.roles ?? [], permissions: member?.permissions },
    deps.roles.of(context.guildId),
    deps.djRoleName,
  );
}

function authorize(
  deps: CommandDeps,
  context: CommandContext,
  session: GuildSession,
  action: ControlAction,
  trackRequesterId?: string,
): GuildSession {
  const botVoiceChannelId = session.channelId;
  const decision = decideControl({
    action,
    actorId: context.userId,
    actorIsDj: memberIsDj(deps, context),
    actorVoiceChannelId: deps.voiceStates.channelOf(context.guildId, context.userId),
    botVoiceChannelId,
    trackRequesterId,
    listenerIds: botVoiceChannelId ? deps.voiceStates.listenersIn(context.guildId, botVoiceChannelId) : [],
  });
  if (!decision.allowed) throw new UserError(decision.reason);
  return session;
}
