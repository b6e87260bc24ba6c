/** Liked songs: ♥ on the now-playing card keeps the song in the presser's "Liked"; /liked lists them. */
import { ApplicationCommandTypes } from "discordeno";
import { likedTrackIdOf } from "../discord/now_playing_message.ts";
import { playlistPage } from "../discord/playlist_page.ts";
import { LIKED_KEY, LIKED_NAME, storable, toPlaylistTrack } from "../playlists/playlist_model.ts";
import { UserError } from "../user_error.ts";
import { pageOption } from "./common_options.ts";
import type { Command, ComponentHandler } from "./command.ts";
import type { CommandDeps } from "./command_deps.ts";
import type { PlaylistDeps } from "./playlist_scope.ts";

/** The /liked command. */
export function likedCommand(playlists: PlaylistDeps): Command {
  return {
    definition: {
      name: "liked",
      description: "Show the songs you liked with ♥ (play them with /playlist play liked)",
      type: ApplicationCommandTypes.ChatInput,
      options: [pageOption()],
    },
    async run(context) {
      const liked = await playlists.store.get({ kind: "user", userId: context.userId }, LIKED_KEY);
      if (!liked || liked.list.length === 0) {
        throw new UserError("You have not liked any songs yet: press ♥ on the now-playing card.");
      }
      await context.reply.send(playlistPage({
        title: `${LIKED_NAME} songs`,
        list: liked.list,
        page: Number(context.options.get("page") ?? 1),
        target: { kind: "user", ownerId: context.userId, key: LIKED_KEY },
        kindLabel: `<@${context.userId}>'s liked songs`,
      }));
    },
  };
}

/** ♥ on a now-playing card: adds the track the card shows, while it still plays, to the presser's Liked. */
export function likeButton(deps: CommandDeps, playlists: PlaylistDeps): ComponentHandler {
  return {
    matches: (customId) => likedTrackIdOf(customId) !== undefined,
    async run(context, customId) {
      const track = deps.sessions.get(context.guildId)?.current;
      if (!track || track.id !== likedTrackIdOf(customId)) {
        throw new UserError("That song is no longer playing; press ♥ on the card of the song playing now.");
      }
      if (!storable(track)) throw new UserError("That song's link is too long for me to keep.");
      const liked = await playlists.store.append(
        { kind: "user", userId: context.userId },
        LIKED_KEY,
        [toPlaylistTrack(track)],
        { create: true, skipKnown: true },
      );
      await context.reply.sendPrivately({
        content:
          `♥ Added "${track.title.slice(0, 100)}" to your Liked songs (${liked.playlist.list.length}). ` +
          "/liked shows them.",
        allowedMentions: { parse: [] },
      });
    },
  };
}
