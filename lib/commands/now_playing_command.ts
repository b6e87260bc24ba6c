/** /nowplaying and its buttons: what is playing, how far along, and pause/resume, skip and stop. */
import { ApplicationCommandTypes } from "discordeno";
import type { LyricsFollower } from "../discord/lyrics_follower.ts";
import { type ControlButton, controlOf, nowPlayingBody } from "../discord/now_playing_message.ts";
import type { Command, CommandContext, ComponentHandler } from "./command.ts";
import type { CommandDeps } from "./command_deps.ts";
import { setPaused } from "./pause_commands.ts";
import { skip } from "./skip_command.ts";
import { stop } from "./stop_command.ts";

/** The /nowplaying command. */
export function nowPlayingCommand(deps: CommandDeps): Command {
  return {
    definition: {
      name: "nowplaying",
      description: "Show what is playing, with buttons to control it",
      type: ApplicationCommandTypes.ChatInput,
    },
    run: async (context) => await context.reply.send(nowPlayingBody(deps.sessions.get(context.guildId))),
  };
}

/** The now-playing buttons: each works like its command, then the message shows the new state. */
export function nowPlayingButtons(deps: CommandDeps, follower?: LyricsFollower): ComponentHandler {
  return {
    matches: (customId) => controlOf(customId) !== undefined,
    async run(context, customId) {
      const note = press(deps, context, controlOf(customId)!);
      const session = deps.sessions.get(context.guildId);
      // A card following lyrics keeps showing them.
      const lyrics = follower?.lyricsOn(context.guildId, context.interaction.message?.id ?? "");
      const body = session?.nowPlaying() ? nowPlayingBody(session, lyrics) : { embeds: [], components: [] };
      await context.reply.updateMessage({ ...body, content: note });
    },
  };
}

function press(deps: CommandDeps, context: CommandContext, button: ControlButton): string {
  switch (button) {
    case "pause":
      return setPaused(deps, context, true);
    case "resume":
      return setPaused(deps, context, false);
    case "skip":
      return skip(deps, context);
    case "stop":
      return stop(deps, context);
  }
}
