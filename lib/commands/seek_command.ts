/** /seek: jump within the current track, straight from the cached file (no re-encoding). */
import { ApplicationCommandOptionTypes, ApplicationCommandTypes } from "discordeno";
import { formatDuration } from "../discord/format.ts";
import { fileSecondsOf, heardSeconds } from "../skip_segments.ts";
import { UserError } from "../user_error.ts";
import type { Command } from "./command.ts";
import type { CommandDeps } from "./command_deps.ts";
import { authorizeControl } from "./control_access.ts";
import { parseTimestamp } from "./timestamp.ts";

/** The /seek command. */
export function seekCommand(deps: CommandDeps): Command {
  return {
    definition: {
      name: "seek",
      description: "Jump to a time in the current track",
      type: ApplicationCommandTypes.ChatInput,
      options: [{
        name: "time",
        description: "Where to jump to, like 1:23",
        type: ApplicationCommandOptionTypes.String,
        required: true,
        maxLength: 12,
      }],
    },
    async run(context) {
      const text = String(context.options.get("time") ?? "");
      const seconds = parseTimestamp(text);
      if (seconds === undefined) throw new UserError(`"${text}" is not a time; try something like 1:23.`);
      const session = authorizeControl(deps, context, "seek");
      const playing = session.nowPlaying();
      if (!playing) throw new UserError("Nothing is playing, so there is nothing to seek in.");
      if (playing.live) {
        throw new UserError("This is a live stream: it plays as it comes, so there is no seeking in it.");
      }
      // Times are as heard: skipped non-music parts do not count, as on the now-playing card.
      const segments = playing.skipSegments ?? [];
      const heard = playing.durationSeconds === undefined
        ? undefined
        : heardSeconds(playing.durationSeconds, segments);
      if (heard !== undefined && seconds >= heard) {
        throw new UserError(`The track is only ${formatDuration(heard)} long.`);
      }
      session.seek(fileSecondsOf(seconds, segments));
      await context.reply.send({ content: `Jumped to ${formatDuration(seconds)}.` });
    },
  };
}
