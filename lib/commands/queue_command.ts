/** /queue and its page buttons: who asked for what, and when each track is expected to play. */
import { ApplicationCommandTypes } from "discordeno";
import type { GuildSession } from "../guild/guild_session.ts";
import { parseQueuePageId, queuePage } from "../discord/queue_page.ts";
import type { ReplyBody } from "../discord/interaction_reply.ts";
import { heardSeconds } from "../skip_segments.ts";
import { pageOption } from "./common_options.ts";
import type { Command, ComponentHandler } from "./command.ts";
import type { CommandDeps } from "./command_deps.ts";

/** The /queue command. */
export function queueCommand(deps: CommandDeps): Command {
  return {
    definition: {
      name: "queue",
      description: "Show the queue and when each track will play",
      type: ApplicationCommandTypes.ChatInput,
      options: [pageOption()],
    },
    async run(context) {
      const page = Number(context.options.get("page") ?? 1);
      await context.reply.send(queueBody(deps.sessions.get(context.guildId), page));
    },
  };
}

/** ◀ and ▶ under a queue listing redraw it in place at the page they name. */
export function queuePageButtons(deps: CommandDeps): ComponentHandler {
  return {
    matches: (customId) => parseQueuePageId(customId) !== undefined,
    async run(context, customId) {
      const page = parseQueuePageId(customId)!;
      await context.reply.updateMessage(queueBody(deps.sessions.get(context.guildId), page));
    },
  };
}

/** One page of the queue, with expected start times counted from the rest of the current track. */
export function queueBody(session: GuildSession | undefined, page: number): ReplyBody {
  const playing = session?.nowPlaying();
  const skipped = playing?.skipSegments ?? [];
  // What is left to hear: skipped non-music parts ahead take no time.
  const remaining = playing?.durationSeconds === undefined
    ? 0
    : heardSeconds(playing.durationSeconds, skipped) - heardSeconds(playing.positionSeconds, skipped);
  return queuePage({
    entries: session?.queue.schedule(Math.max(0, remaining)) ?? [],
    page,
    // The current track is known to be live once it plays, even when its link did not say so.
    current: session?.current && (playing?.live ? { ...session.current, live: true } : session.current),
    mode: session?.queue.mode ?? "fair",
  });
}
