/** The buttons under playlist messages: ◀ ▶ to turn a listing's pages, and Delete / Keep it to confirm. */
import { parsePlaylistPageId, playlistPage } from "../discord/playlist_page.ts";
import type { PlaylistOwner } from "../playlists/playlist_model.ts";
import { shownName } from "../playlists/playlist_store.ts";
import { UserError } from "../user_error.ts";
import type { ComponentHandler } from "./command.ts";
import type { CommandDeps } from "./command_deps.ts";
import { editableOwner, type PlaylistDeps, type Scope, scopeLabel } from "./playlist_scope.ts";

/** What a delete prompt is about: whose playlist, which one, and who asked. */
export interface DeleteTarget {
  scope: Scope;
  userId: string;
  key: string;
}

/** The custom id of the prompt's "delete" or "keep" button. */
export function deleteConfirmId(choice: "delete" | "keep", target: DeleteTarget): string {
  return `pl:${choice}:${target.scope === "server" ? "g" : "u"}:${target.userId}:${target.key}`;
}

function parseDeleteId(customId: string): (DeleteTarget & { choice: "delete" | "keep" }) | undefined {
  const match = /^pl:(delete|keep):([ug]):(\d{1,22}):([^:]{1,32})$/u.exec(customId);
  if (!match) return undefined;
  const [, choice, scope, userId, key] = match;
  return { choice: choice as "delete" | "keep", scope: scope === "g" ? "server" : "mine", userId, key };
}

/** ◀ and ▶ under a playlist listing redraw it in place at the page they name. */
export function playlistPageButtons(playlists: PlaylistDeps): ComponentHandler {
  return {
    matches: (customId) => parsePlaylistPageId(customId) !== undefined,
    async run(context, customId) {
      const target = parsePlaylistPageId(customId)!;
      // A server's listing only turns pages in that server.
      if (target.kind === "guild" && target.ownerId !== context.guildId) return;
      const owner: PlaylistOwner = target.kind === "user"
        ? { kind: "user", userId: target.ownerId }
        : { kind: "guild", guildId: target.ownerId };
      const playlist = await playlists.store.get(owner, target.key);
      if (!playlist) throw new UserError("That playlist is gone: it was renamed or deleted.");
      await context.reply.updateMessage(playlistPage({
        title: shownName(playlist),
        list: playlist.list,
        page: target.page,
        target,
        kindLabel: target.kind === "guild" ? "server playlist" : `<@${target.ownerId}>'s playlist`,
      }));
    },
  };
}

/** "Delete" deletes, "Keep it" keeps; only the person who asked may answer. */
export function playlistDeleteButtons(deps: CommandDeps, playlists: PlaylistDeps): ComponentHandler {
  return {
    matches: (customId) => parseDeleteId(customId) !== undefined,
    async run(context, customId) {
      const target = parseDeleteId(customId)!;
      if (target.userId !== context.userId) {
        throw new UserError("Only the person who asked to delete that playlist can answer.");
      }
      if (target.choice === "keep") {
        return await context.reply.updateMessage({ content: "Kept it.", components: [] });
      }
      const owner = editableOwner(deps, context, target.scope);
      const deleted = await playlists.store.delete(owner, target.key);
      await context.reply.updateMessage({
        content: `Deleted ${scopeLabel(target.scope)} "${
          shownName(deleted)
        }" and its ${deleted.tracks} tracks.`,
        components: [],
        allowedMentions: { parse: [] },
      });
    },
  };
}
