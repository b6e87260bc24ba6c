/**
 * Whose playlists a /playlist command means: `scope: mine` (the default) is the person's own, kept for them
 * in every server; `scope: server` is this server's, which everyone may play and only DJs may change.
 */
import type { AddressPolicy } from "../sources/address_guard.ts";
import type { PlaylistOwner } from "../playlists/playlist_model.ts";
import type { PlaylistStore } from "../playlists/playlist_store.ts";
import { UserError } from "../user_error.ts";
import type { CommandContext } from "./command.ts";
import type { CommandDeps } from "./command_deps.ts";
import { memberIsDj } from "./control_access.ts";

/** What the playlist commands need beyond the shared command deps. */
export interface PlaylistDeps {
  store: PlaylistStore;
  /** The most tracks one playlist holds (TRAZOM_PLAYLIST_TRACKS). */
  maxTracks: number;
  /** The rule attachment downloads follow, the same as every other fetch. */
  addressPolicy: AddressPolicy;
}

/** Which playlists: the person's own, or the server's. */
export type Scope = "mine" | "server";

/** The scope the command was given; `mine` unless it says `server`. */
export function scopeOf(context: CommandContext): Scope {
  return context.options.get("scope") === "server" ? "server" : "mine";
}

/** The owner of the playlists `scope` means, for reading. */
export function ownerOf(context: CommandContext, scope: Scope): PlaylistOwner {
  return scope === "server"
    ? { kind: "guild", guildId: context.guildId }
    : { kind: "user", userId: context.userId };
}

/** The owner to change; a UserError unless the person may change the server's playlists. */
export function editableOwner(deps: CommandDeps, context: CommandContext, scope: Scope): PlaylistOwner {
  if (scope === "server" && !memberIsDj(deps, context)) {
    throw new UserError(
      "Only a DJ can change this server's playlists. Everyone may play them, and you can keep your own " +
        "with scope:mine.",
    );
  }
  return ownerOf(context, scope);
}

/** How a scope is named in replies. */
export function scopeLabel(scope: Scope): string {
  return scope === "server" ? "server playlist" : "your playlist";
}
