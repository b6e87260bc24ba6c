/** /stop: clear the queue and stop playing (a DJ's call, as it affects everyone's tracks). */
import { ApplicationCommandTypes } from "discordeno";
import type { Command, CommandContext } from "./command.ts";
import type { CommandDeps } from "./command_deps.ts";
import { authorizeControl } from "./control_access.ts";

/** The /stop command. */
export function stopCommand(deps: CommandDeps): Command {
  return {
    definition: {
      name: "stop",
      description: "Stop the music and clear the queue (DJ)",
      type: ApplicationCommandTypes.ChatInput,
    },
    run: async (context) => await context.reply.send({ content: stop(deps, context) }),
  };
}

/** Stops and clears; shared with the now-playing button. */
export function stop(deps: CommandDeps, context: CommandContext): string {
  authorizeControl(deps, context, "stop").stop();
  return `Stopped and cleared the queue, as <@${context.userId}> asked.`;
}
