/** /playlist: save, play, edit, list, import and export saved playlists, personal or the server's. */
import { ButtonStyles, MessageComponentTypes } from "discordeno";
import { playlistPage } from "../discord/playlist_page.ts";
import {
  checkName,
  LIKED_KEY,
  LIKED_NAME,
  playlistKey,
  toPlaylistTrack,
} from "../playlists/playlist_model.ts";
import { shownName } from "../playlists/playlist_store.ts";
import { UserError } from "../user_error.ts";
import type { Command, CommandContext } from "./command.ts";
import type { CommandDeps } from "./command_deps.ts";
import { PLAYLIST_DEFINITION, subcommandOf } from "./playlist_definition.ts";
import { deleteConfirmId } from "./playlist_buttons.ts";
import { exportPlaylist, importPlaylist } from "./playlist_import.ts";
import { lookUpOne } from "./playlist_lookup.ts";
import { playSaved } from "./playlist_play.ts";
import { editableOwner, ownerOf, type PlaylistDeps, scopeLabel, scopeOf } from "./playlist_scope.ts";

/** The /playlist command. */
export function playlistCommand(deps: CommandDeps, playlists: PlaylistDeps): Command {
  const { store } = playlists;
  const handlers: Record<string, (context: CommandContext) => Promise<void>> = {
    play: async (context) => {
      const playlist = await readable(playlists, context);
      await playSaved(
        deps,
        context,
        { name: shownName(playlist), list: playlist.list },
        isOn(context, "shuffle"),
      );
    },
    save: async (context) => {
      const scope = scopeOf(context);
      const owner = editableOwner(deps, context, scope);
      const name = checkName(text(context, "name"));
      const session = deps.sessions.get(context.guildId);
      const current = session?.current;
      const tracks = [...(current ? [current] : []), ...(session?.queue.list() ?? [])].map(toPlaylistTrack);
      if (tracks.length === 0) {
        throw new UserError("Nothing is playing or queued, so there is nothing to save.");
      }
      const saved = await store.create(owner, name, tracks);
      await context.reply.send(plain(
        `Saved ${saved.added} tracks as ${scopeLabel(scope)} "${name}".${leftOut(saved.leftOut, playlists)}`,
      ));
    },
    add: async (context) => {
      const scope = scopeOf(context);
      const owner = editableOwner(deps, context, scope);
      const name = checkName(text(context, "name"));
      await context.reply.defer();
      const found = await lookUpOne(deps.resolver, text(context, "query"));
      const added = await store.append(owner, name, found.tracks, { create: true });
      const what = added.added === 1 ? `"${found.tracks[0].title}"` : `${added.added} tracks`;
      const note = found.note ? `\n${found.note}` : "";
      await context.reply.send(plain(
        `Added ${what} to "${added.playlist.name}" (${added.playlist.list.length} tracks).` +
          `${leftOut(added.leftOut, playlists)}${note}`,
      ));
    },
    remove: async (context) => {
      const owner = editableOwner(deps, context, scopeOf(context));
      const name = checkName(text(context, "name"), { allowLiked: true });
      const removed = await store.removeAt(owner, name, Number(context.options.get("position")));
      await context.reply.send(plain(`Removed "${removed.title}" from "${shown(name)}".`));
    },
    show: async (context) => {
      const scope = scopeOf(context);
      const playlist = await readable(playlists, context);
      const owner = ownerOf(context, scope);
      await context.reply.send(playlistPage({
        title: shownName(playlist),
        list: playlist.list,
        page: Number(context.options.get("page") ?? 1),
        target: owner.kind === "user"
          ? { kind: "user", ownerId: owner.userId, key: playlist.key }
          : { kind: "guild", ownerId: owner.guildId, key: playlist.key },
        kindLabel: scope === "server" ? "server playlist" : `<@${context.userId}>'s playlist`,
      }));
    },
    list: async (context) => {
      const scope = scopeOf(context);
      const entries = await store.list(ownerOf(context, scope));
      const whose = scope === "server" ? "This server's playlists" : "Your playlists";
      const lines = entries.map((entry) => `• **${shownName(entry)}** · ${entry.tracks} tracks`);
      await context.reply.send(plain(
        lines.length === 0
          ? `${whose}: none yet. /playlist save or /playlist add makes one.`
          : `**${whose}**\n${lines.join("\n")}`.slice(0, 2000),
      ));
    },
    rename: async (context) => {
      const owner = editableOwner(deps, context, scopeOf(context));
      const from = checkName(text(context, "name"));
      const to = checkName(text(context, "new_name"));
      await store.rename(owner, from, to);
      await context.reply.send(plain(`Renamed "${from}" to "${to}".`));
    },
    delete: async (context) => {
      const scope = scopeOf(context);
      const owner = editableOwner(deps, context, scope);
      const name = checkName(text(context, "name"), { allowLiked: true });
      const playlist = await store.get(owner, name);
      if (!playlist) throw new UserError(`There is no playlist named "${name}".`);
      const target = { scope, userId: context.userId, key: playlist.key };
      await context.reply.sendPrivately({
        content: `Delete ${scopeLabel(scope)} "${
          shownName(playlist)
        }" and its ${playlist.list.length} tracks?`,
        components: [{
          type: MessageComponentTypes.ActionRow,
          components: [
            button(deleteConfirmId("delete", target), "Delete", ButtonStyles.Danger),
            button(deleteConfirmId("keep", target), "Keep it", ButtonStyles.Secondary),
          ],
        }],
      });
    },
    import: (context) => importPlaylist(deps, playlists, context),
    export: (context) => exportPlaylist(playlists, context),
  };
  return {
    definition: PLAYLIST_DEFINITION,
    async run(context) {
      const handler = handlers[subcommandOf(context.interaction.data?.options)];
      if (!handler) throw new UserError("Pick one of /playlist's actions, such as /playlist play.");
      await handler(context);
    },
    async autocomplete(context, focused) {
      if (focused.name !== "name") return await context.reply.suggest([]);
      const entries = await store.list(ownerOf(context, scopeOf(context)));
      const typed = focused.value.trim().toLowerCase();
      const choices = entries
        .filter((entry) => entry.key.includes(typed))
        .slice(0, 25)
        .map((entry) => ({ name: shownName(entry), value: shownName(entry) }));
      await context.reply.suggest(choices);
    },
  };
}

/** The playlist the command names, which the person may read; "liked" is their Liked songs. */
async function readable(playlists: PlaylistDeps, context: CommandContext) {
  const name = checkName(text(context, "name"), { allowLiked: true });
  const owner = ownerOf(context, scopeOf(context));
  const playlist = await playlists.store.get(owner, name);
  if (playlist) return playlist;
  if (playlistKey(name) === LIKED_KEY && owner.kind === "user") {
    throw new UserError("You have not liked any songs yet: press ♥ on the now-playing card.");
  }
  throw new UserError(`There is no playlist named "${name}". /playlist list shows the ones there are.`);
}

function text(context: CommandContext, option: string): string {
  return String(context.options.get(option) ?? "");
}

function isOn(context: CommandContext, option: string): boolean {
  return context.options.get(option) === true;
}

function shown(name: string): string {
  return playlistKey(name) === LIKED_KEY ? LIKED_NAME : name;
}

function leftOut(count: number, playlists: PlaylistDeps): string {
  return count > 0 ? ` ${count} left out: a playlist holds at most ${playlists.maxTracks} tracks.` : "";
}

function plain(content: string) {
  return { content, allowedMentions: { parse: [] } };
}

function button(customId: string, label: string, style: ButtonStyles) {
  return { type: MessageComponentTypes.Button as const, style, label, customId };
}
