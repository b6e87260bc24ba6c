/**
 * /playlist import and /playlist export: a playlist from a YouTube or Spotify playlist link (a snapshot of
 * its tracks) or from an attached text file (one link or search per line), and back to such a file.
 */
import type { DiscordAttachment } from "discordeno";
import { ATTACHMENT_MAX_BYTES, fetchAttachmentText } from "../playlists/attachment_text.ts";
import { checkName, LIKED_KEY, playlistKey } from "../playlists/playlist_model.ts";
import { shownName } from "../playlists/playlist_store.ts";
import { exportFileName, parsePlaylistText, playlistText, shownLine } from "../playlists/playlist_text.ts";
import { UserError } from "../user_error.ts";
import type { CommandContext } from "./command.ts";
import type { CommandDeps } from "./command_deps.ts";
import { type LookedUp, lookUpLines, lookUpOne } from "./playlist_lookup.ts";
import { editableOwner, ownerOf, type PlaylistDeps, scopeLabel, scopeOf } from "./playlist_scope.ts";

/** Makes a new playlist from a link or an attached file. */
export async function importPlaylist(
  deps: CommandDeps,
  playlists: PlaylistDeps,
  context: CommandContext,
): Promise<void> {
  const scope = scopeOf(context);
  const owner = editableOwner(deps, context, scope);
  const name = checkName(String(context.options.get("name") ?? ""));
  const link = context.options.get("link");
  const fileId = context.options.get("file");
  if ((link === undefined) === (fileId === undefined)) {
    throw new UserError("Give either a playlist link or a text file to import, not both.");
  }
  if (await playlists.store.get(owner, name)) {
    throw new UserError(`There is already a playlist named "${name}"; pick another name or delete it first.`);
  }
  await context.reply.defer();
  const found: LookedUp & { beyondCap: number; tooLong: number } = link !== undefined
    ? { ...await fromLink(deps, String(link), playlists.maxTracks), beyondCap: 0, tooLong: 0 }
    : await fromFile(deps, playlists, attachmentOf(context, String(fileId)));
  if (found.tracks.length === 0) {
    throw new UserError(`Nothing to import: none of the ${found.failed.length} lines found a song.`);
  }
  const created = await playlists.store.create(owner, name, found.tracks);
  await context.reply.send({
    content: importReport(scopeLabel(scope), name, created.added, found, playlists.maxTracks),
    allowedMentions: { parse: [] },
  });
}

/** Attaches the playlist as a text file, one link per line. */
export async function exportPlaylist(playlists: PlaylistDeps, context: CommandContext): Promise<void> {
  const name = checkName(String(context.options.get("name") ?? ""), { allowLiked: true });
  const playlist = await playlists.store.get(ownerOf(context, scopeOf(context)), name);
  if (!playlist) {
    const liked = playlistKey(name) === LIKED_KEY;
    throw new UserError(
      liked ? "You have not liked any songs yet." : `There is no playlist named "${name}".`,
    );
  }
  const named = { ...playlist, name: shownName(playlist) };
  // Files go with an edit of the deferred reply: Discordeno sends those as a clean multipart upload.
  await context.reply.defer();
  await context.reply.send({
    content: `"${named.name}": ${playlist.list.length} tracks. /playlist import reads this file back.`,
    files: [{ name: exportFileName(named), blob: new Blob([playlistText(named)], { type: "text/plain" }) }],
    allowedMentions: { parse: [] },
  });
}

async function fromLink(deps: CommandDeps, link: string, maxTracks: number): Promise<LookedUp> {
  if (!/^https?:\/\//i.test(link.trim())) {
    throw new UserError(
      "Import takes a YouTube or Spotify playlist link; to add a search, use /playlist add.",
    );
  }
  const found = await lookUpOne(deps.resolver, link.trim());
  return { tracks: found.tracks.slice(0, maxTracks), failed: [], notes: found.note ? [found.note] : [] };
}

async function fromFile(
  deps: CommandDeps,
  playlists: PlaylistDeps,
  attachment: DiscordAttachment,
): Promise<LookedUp & { beyondCap: number; tooLong: number }> {
  if (attachment.size > ATTACHMENT_MAX_BYTES) {
    throw new UserError(`That file is over ${ATTACHMENT_MAX_BYTES / 1024} KiB; split it up.`);
  }
  const text = await fetchAttachmentText(attachment.url, playlists.addressPolicy);
  const parsed = parsePlaylistText(text, playlists.maxTracks);
  if (parsed.lines.length === 0) throw new UserError("That file has no links or searches in it.");
  const found = await lookUpLines(deps.resolver, parsed.lines, playlists.maxTracks);
  return { ...found, beyondCap: parsed.beyondCap, tooLong: parsed.tooLong };
}

function attachmentOf(context: CommandContext, id: string): DiscordAttachment {
  const attachment = context.interaction.data?.resolved?.attachments?.[id];
  if (!attachment) throw new UserError("Discord did not send me the attached file; try attaching it again.");
  return attachment;
}

function importReport(
  label: string,
  name: string,
  added: number,
  found: LookedUp & { beyondCap: number; tooLong: number },
  maxTracks: number,
): string {
  const lines = [`Imported ${added} ${added === 1 ? "track" : "tracks"} into ${label} "${name}".`];
  if (found.failed.length > 0) {
    const shown = found.failed.slice(0, 3).map((line) => `"${shownLine(line)}"`).join(", ");
    const more = found.failed.length > 3 ? ` and ${found.failed.length - 3} more` : "";
    lines.push(`${found.failed.length} found nothing: ${shown}${more}.`);
  }
  if (found.beyondCap > 0) {
    lines.push(`${found.beyondCap} lines left out: a playlist holds ${maxTracks} tracks.`);
  }
  if (found.tooLong > 0) lines.push(`${found.tooLong} lines were too long to be a link or a search.`);
  lines.push(...found.notes);
  return lines.join("\n").slice(0, 2000);
}
