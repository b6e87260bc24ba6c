/** /pause and /resume. */
import { ApplicationCommandTypes } from "discordeno";
import { UserError } from "../user_error.ts";
import type { Command, CommandContext } from "./command.ts";
import type { CommandDeps } from "./command_deps.ts";
import { authorizeControl } from "./control_access.ts";

/** The /pause command. */
export function pauseCommand(deps: CommandDeps): Command {
  return {
    definition: { name: "pause", description: "Pause the music", type: ApplicationCommandTypes.ChatInput },
    run: async (context) => await context.reply.send({ content: setPaused(deps, context, true) }),
  };
}

/** The /resume command. */
export function resumeCommand(deps: CommandDeps): Command {
  return {
    definition: {
      name: "resume",
      description: "Resume paused music",
      type: ApplicationCommandTypes.ChatInput,
    },
    run: async (context) => await context.reply.send({ content: setPaused(deps, context, false) }),
  };
}

/** Pauses or resumes; returns what to tell the channel. Shared with the now-playing buttons. */
export function setPaused(deps: CommandDeps, context: CommandContext, paused: boolean): string {
  const session = authorizeControl(deps, context, paused ? "pause" : "resume");
  if (paused && !session.pause()) throw new UserError("Nothing is playing, so there is nothing to pause.");
  if (!paused && !session.resume()) throw new UserError("The music isn't paused.");
  return paused
    ? `Paused by <@${context.userId}>. Use /resume to carry on.`
    : `Resumed by <@${context.userId}>.`;
}
