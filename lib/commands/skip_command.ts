/** /skip: the requester or a DJ skips at once; anyone else adds a vote, and a majority of listeners skips. */
import { ApplicationCommandTypes } from "discordeno";
import { trackLabel } from "../discord/format.ts";
import { UserError } from "../user_error.ts";
import type { Command, CommandContext } from "./command.ts";
import type { CommandDeps } from "./command_deps.ts";
import { authorizeControl, memberIsDj } from "./control_access.ts";

/** The /skip command. */
export function skipCommand(deps: CommandDeps): Command {
  return {
    definition: {
      name: "skip",
      description: "Skip the current track (others' tracks need a DJ or a vote)",
      type: ApplicationCommandTypes.ChatInput,
    },
    run: async (context) => await context.reply.send({ content: skip(deps, context) }),
  };
}

/** Skips or votes; returns what to tell the channel. Shared with the now-playing button. */
export function skip(deps: CommandDeps, context: CommandContext): string {
  const session = deps.sessions.get(context.guildId);
  const track = session?.current;
  if (!session || !track) throw new UserError("Nothing is playing, so there is nothing to skip.");
  const own = track.requesterId === context.userId || memberIsDj(deps, context);
  if (own) {
    authorizeControl(deps, context, "skip", track.requesterId);
    session.skip();
    return `Skipped ${trackLabel(track)}.`;
  }
  authorizeControl(deps, context, "vote-skip", track.requesterId);
  const listeners = deps.voiceStates.listenersIn(context.guildId, session.channelId!);
  const tally = session.voteSkip(context.userId, listeners);
  if (!tally) throw new UserError("Nothing is playing, so there is nothing to skip.");
  if (!tally.passed) return `<@${context.userId}> voted to skip: ${tally.votes}/${tally.needed} votes.`;
  return `The listeners voted to skip ${trackLabel(track)} (${tally.votes}/${tally.needed}).`;
}
