/**
 * /lyrics and its buttons: the current song's lyrics from LRCLIB a page at a time, and the now-playing
 * card's 🎤 button, which makes the card follow synced lyrics line by line (or stop).
 */
import { ApplicationCommandOptionTypes, ApplicationCommandTypes } from "discordeno";
import type { LyricsFollower } from "../discord/lyrics_follower.ts";
import { lyricsPage, parseLyricsPageId } from "../discord/lyrics_page.ts";
import { LYRICS_BUTTON_ID, nowPlayingBody } from "../discord/now_playing_message.ts";
import type { LyricsBook } from "../lyrics/lyrics_book.ts";
import { UserError, userMessageOf } from "../user_error.ts";
import type { Command, CommandContext, ComponentHandler } from "./command.ts";
import type { CommandDeps } from "./command_deps.ts";
import { authorizeControl } from "./control_access.ts";

/** Where lyrics come from, and the cards following them. */
export interface LyricsParts {
  book: LyricsBook;
  follower: LyricsFollower;
}

/** The /lyrics command. */
export function lyricsCommand(deps: CommandDeps, lyrics: LyricsParts): Command {
  return {
    definition: {
      name: "lyrics",
      description: "Show the lyrics of the song playing now",
      type: ApplicationCommandTypes.ChatInput,
      options: [{
        name: "page",
        description: "Which page of the lyrics",
        type: ApplicationCommandOptionTypes.Integer,
        required: false,
        minValue: 1,
        maxValue: 100,
      }],
    },
    async run(context) {
      const track = deps.sessions.get(context.guildId)?.current;
      if (!track) throw new UserError("Nothing is playing right now, so there are no lyrics to show.");
      const page = Number(context.options.get("page") ?? 1);
      // LRCLIB may take longer than the 3 seconds Discord waits for a first answer.
      await context.reply.defer();
      const found = await lyrics.book.lyricsOf(track);
      await context.reply.send(lyricsPage({ title: track.title, lyrics: found, page, trackId: track.id }));
    },
  };
}

/** ◀ ▶ under the lyrics, and 🎤 on the now-playing card. */
export function lyricsButtons(deps: CommandDeps, lyrics: LyricsParts): ComponentHandler {
  return {
    matches: (customId) => customId === LYRICS_BUTTON_ID || parseLyricsPageId(customId) !== undefined,
    async run(context, customId) {
      if (customId === LYRICS_BUTTON_ID) return await toggleFollow(deps, lyrics, context);
      const { page, trackId } = parseLyricsPageId(customId)!;
      const track = deps.sessions.get(context.guildId)?.current;
      if (track?.id !== trackId) {
        return await context.reply.updateMessage({
          content: "That song has finished; use /lyrics for the one playing now.",
          embeds: [],
          components: [],
        });
      }
      await context.reply.deferUpdate();
      const found = await lyrics.book.lyricsOf(track);
      await context.reply.updateMessage(lyricsPage({ title: track.title, lyrics: found, page, trackId }));
    },
  };
}

/** Follows the song's synced lyrics on the card the button is on, or stops. */
async function toggleFollow(deps: CommandDeps, lyrics: LyricsParts, context: CommandContext): Promise<void> {
  const session = authorizeControl(deps, context, "lyrics");
  const playing = session.nowPlaying();
  const messageId = context.interaction.message?.id;
  if (!playing || !messageId) {
    throw new UserError("Nothing is playing right now, so there are no lyrics to follow.");
  }
  const { guildId } = context;
  if (lyrics.follower.lyricsOn(guildId, messageId)) {
    lyrics.follower.stop(guildId);
    return await context.reply.updateMessage({ ...nowPlayingBody(session), content: "" });
  }
  await context.reply.deferUpdate();
  let note: string;
  try {
    const found = await lyrics.book.lyricsOf(playing.track);
    if (found.kind === "synced" && session.current?.id === playing.track.id) {
      const card = { channelId: context.channelId, messageId };
      const view = lyrics.follower.start(guildId, card, playing.track.id, found.lines);
      return await context.reply.updateMessage({ ...nowPlayingBody(session, view), content: "" });
    }
    note = found.kind === "plain"
      ? "This song has no synced lyrics to follow; /lyrics shows its words."
      : found.kind === "instrumental"
      ? "This song is an instrumental: there are no words to follow."
      : "I couldn't find lyrics for this song.";
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    note = userMessageOf(error);
  }
  // The card stays as it was, with the reason above it.
  const body = session.nowPlaying() ? nowPlayingBody(session) : { embeds: [], components: [] };
  await context.reply.updateMessage({ ...body, content: note });
}
