/** /play: queue a song (search words, a YouTube or Spotify link, or a media link) and start playing. */
import { ApplicationCommandOptionTypes, ApplicationCommandTypes } from "discordeno";
import type { GuildSession } from "../guild/guild_session.ts";
import type { QueryResult } from "../guild/query_task.ts";
import { trackLabel } from "../discord/format.ts";
import { UserError } from "../user_error.ts";
import type { Command, CommandContext } from "./command.ts";
import type { CommandDeps } from "./command_deps.ts";
import { memberIsDj } from "./control_access.ts";

/** The /play command. */
export function playCommand(deps: CommandDeps): Command {
  const { sessions, voiceStates } = deps;
  return {
    definition: {
      name: "play",
      description: "Play a song: search words, a YouTube or Spotify link, or a link to a media file",
      type: ApplicationCommandTypes.ChatInput,
      options: [{
        name: "query",
        description: "What to play",
        type: ApplicationCommandOptionTypes.String,
        required: true,
        maxLength: 500,
        autocomplete: true,
      }, {
        name: "next",
        description: "Play it right after the current track (DJ)",
        type: ApplicationCommandOptionTypes.Boolean,
        required: false,
      }],
    },
    async run(context) {
      const voiceChannelId = voiceStates.channelOf(context.guildId, context.userId);
      if (!voiceChannelId) throw new UserError("Join a voice channel first, then ask me again.");
      const next = context.options.get("next") === true;
      if (next && !memberIsDj(deps, context)) {
        throw new UserError(
          "Only a DJ can put a track first. Leave out next:true and it joins the fair queue.",
        );
      }
      const session = sessions.obtain(context.guildId);
      refuseIfBusyElsewhere(session, voiceChannelId);
      await context.reply.defer();
      const wasIdle = session.status === "idle";
      const result = await queueAndJoin(session, voiceChannelId, context, next);
      await context.reply.send({ content: describe(result, wasIdle) });
    },
    async autocomplete(context, focused) {
      if (focused.name === "query") await context.reply.suggest(await suggestions(deps, focused.value));
    },
  };
}

/** Discord shows nothing if the answer takes over 3 seconds; a late search is worth less than none. */
const SUGGEST_TIMEOUT_MS = 2_500;
const MIN_SEARCH_LENGTH = 3;

/** Search results for the words typed so far; a link or very short text is offered back as typed. */
async function suggestions(deps: CommandDeps, typed: string): Promise<{ name: string; value: string }[]> {
  const text = typed.trim().slice(0, 100);
  if (text.length < MIN_SEARCH_LENGTH || /^\S+:\/\//.test(text)) {
    return text ? [{ name: text, value: text }] : [];
  }
  const answer = await deps.resolver.request({ kind: "suggest", text }, { timeoutMs: SUGGEST_TIMEOUT_MS });
  if (answer.outcome !== "suggestions") return [{ name: text, value: text }];
  return answer.suggestions.slice(0, 25).map((suggestion) => ({
    name: suggestion.title,
    value: suggestion.url,
  }));
}

/** One bot, one channel: while it plays for some people, others cannot pull it away. */
function refuseIfBusyElsewhere(session: GuildSession, voiceChannelId: string): void {
  const botChannelId = session.player.channelId;
  if (botChannelId && botChannelId !== voiceChannelId && session.status !== "idle") {
    throw new UserError(`I'm already playing in <#${botChannelId}>; join that channel to add songs.`);
  }
}

/** Joining voice and resolving the query go on at once: both take a moment, and audio waits for both. */
async function queueAndJoin(
  session: GuildSession,
  voiceChannelId: string,
  context: CommandContext,
  next: boolean,
): Promise<QueryResult> {
  session.textChannelId = context.channelId;
  const joining = session.player.connect(voiceChannelId);
  const queued = session.queries.submit({
    query: String(context.options.get("query") ?? ""),
    requesterId: context.userId,
    next,
  });
  const [joined, result] = await Promise.allSettled([joining, queued]);
  if (joined.status === "rejected") {
    console.error(`Joining voice channel ${voiceChannelId}:`, joined.reason);
    session.stop();
    throw new UserError("I couldn't join your voice channel. Check that I may connect and speak there.");
  }
  if (result.status === "rejected") {
    // A failed request changes nothing: if the bot joined only for it, it leaves again.
    if (session.status === "idle" && session.queue.length === 0) session.player.disconnect();
    throw result.reason;
  }
  return result.value;
}

function describe(result: QueryResult, wasIdle: boolean): string {
  const [first] = result.tracks;
  const note = result.note ? `\n${result.note}` : "";
  if (result.tracks.length > 1) {
    return `Queued ${result.tracks.length} tracks, starting with ${trackLabel(first)}.${note}`;
  }
  if (wasIdle && result.positions[0] === 1) return `Playing ${trackLabel(first)}.${note}`;
  return `Queued ${trackLabel(first)} at position ${result.positions[0]}.${note}`;
}
