/** /leave: the bot leaves the voice channel; the queue is kept for the next /play. */
import { ApplicationCommandTypes } from "discordeno";
import type { Command } from "./command.ts";
import type { CommandDeps } from "./command_deps.ts";
import { authorizeControl } from "./control_access.ts";

/** The /leave command. */
export function leaveCommand(deps: CommandDeps): Command {
  return {
    definition: {
      name: "leave",
      description: "Make me leave the voice channel (the queue is kept)",
      type: ApplicationCommandTypes.ChatInput,
    },
    async run(context) {
      const session = authorizeControl(deps, context, "leave");
      const channelId = session.channelId;
      session.leave();
      await context.reply.send({
        content: `Left <#${channelId}>. The queue is still there for the next /play.`,
      });
    },
  };
}
