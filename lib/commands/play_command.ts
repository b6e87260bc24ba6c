/** /play: queue a song (search words, a YouTube or Spotify link, or a media link) and start playing. */
import { ApplicationCommandOptionTypes, ApplicationCommandTypes } from "discordeno";
import type { GuildSession } from "../guild/guild_session.ts";
import type { QueryResult } from "../guild/query_task.ts";
import { trackLabel } from "../discord/format.ts";
import { enforceRate } from "../limits/rate_limiter.ts";
import { UserError } from "../user_error.ts";
import type { Command, CommandContext } from "./command.ts";
import { log } from "../log/logger.ts";
import type { CommandDeps } from "./command_deps.ts";
import { memberIsDj } from "./control_access.ts";
import { type Choice, SuggestionSearch } from "../sources/suggestion_search.ts";

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
      // One line per /play, whatever came of it, for an operator asked "why didn't my song play?".
      const asked = {
        guild: context.guildId,
        user: context.userId,
        query: String(context.options.get("query")),
      };
      try {
        const reply = await play(context);
        log.info("/play", { ...asked, outcome: reply });
      } catch (error) {
        const outcome = error instanceof UserError ? `refused: ${error.message}` : `failed: ${error}`;
        log.info("/play", { ...asked, outcome });
        throw error;
      }
    },
    async autocomplete(context, focused) {
      if (focused.name !== "query") return;
      await context.reply.suggest(await suggestions(deps, context.userId, focused.value));
    },
  };

  /** Queues what was asked for and answers; returns the answer. */
  async function play(context: CommandContext): Promise<string> {
    enforceRate(deps.playRate, context.userId);
    const voiceChannelId = voiceStates.channelOf(context.guildId, context.userId);
    if (!voiceChannelId) throw new UserError("Join a voice channel first, then ask me again.");
    const next = context.options.get("next") === true;
    if (next && !memberIsDj(deps, context)) {
      throw new UserError(
        "Only a DJ can put a track first. Leave out next:true and it joins the fair queue.",
      );
    }
    const session = await sessions.obtain(context.guildId);
    const elsewhere = session.busyElsewhere(voiceChannelId);
    if (elsewhere) {
      throw new UserError(`I'm already playing in <#${elsewhere}>; join that channel to add songs.`);
    }
    // Queued before the acknowledgement goes out, so requests queue in the order they arrived.
    const query = String(context.options.get("query") ?? "");
    const playing = session.play(
      { query, requesterId: context.userId, next },
      { voiceChannelId, textChannelId: context.channelId },
    );
    playing.catch(() => {});
    await context.reply.defer();
    const result = await playing;
    const content = describe(result, session);
    await context.reply.send({ content });
    return content;
  }
}

/** One suggestion search per command set: its cache and per-user state outlive each keystroke. */
const suggestionSearches = new WeakMap<CommandDeps, SuggestionSearch>();

/**
 * Search results for the words typed so far; a link or very short text is offered back as typed. The
 * look-ahead hears of every keystroke and of the answer that stands for the words (not one superseded).
 */
async function suggestions(deps: CommandDeps, userId: string, typed: string): Promise<Choice[]> {
  let search = suggestionSearches.get(deps);
  if (search === undefined) {
    search = new SuggestionSearch({ search: (text, signal) => askResolver(deps, text, signal) });
    suggestionSearches.set(deps, search);
  }
  deps.lookAhead?.typing(userId);
  const outcome = await search.suggest(userId, typed);
  if (outcome.status !== "superseded") {
    const searched = outcome.status === "found" || outcome.status === "remembered";
    deps.lookAhead?.suggested(userId, searched ? videoIdOf(outcome.choices[0]?.value) : undefined);
  }
  return outcome.choices;
}

/** The video of a suggestion's watch link, as the resolver words them. */
function videoIdOf(value: string | undefined): string | undefined {
  return /^https:\/\/www\.youtube\.com\/watch\?v=([A-Za-z0-9_-]{11})$/.exec(value ?? "")?.[1];
}

async function askResolver(
  deps: CommandDeps,
  text: string,
  signal: AbortSignal,
): Promise<Choice[] | undefined> {
  // The suggestion search gives up in time for Discord; this bound only guards a lost answer.
  const answer = await deps.resolver.request({ kind: "suggest", text }, { timeoutMs: 10_000, signal });
  if (answer.outcome !== "suggestions") return undefined;
  return answer.suggestions.map((suggestion) => ({ name: suggestion.title, value: suggestion.url }));
}

/** Where the request stands now (other requests may have been queued while it was resolved). */
function describe(result: QueryResult, session: GuildSession): string {
  const [first] = result.tracks;
  const note = result.note ? `\n${result.note}` : "";
  if (result.tracks.length > 1) {
    return `Queued ${result.tracks.length} tracks, starting with ${trackLabel(first)}.${note}`;
  }
  if (session.current?.id === first.id) return `Playing ${trackLabel(first)}.${note}`;
  const position = session.queue.list().findIndex((track) => track.id === first.id) + 1;
  return `Queued ${trackLabel(first)} at position ${position || result.positions[0]}.${note}`;
}
