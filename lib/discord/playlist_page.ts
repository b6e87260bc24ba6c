/** One page of a saved playlist (or of someone's Liked songs), with the ◀ ▶ buttons /queue uses. */
import { MessageComponentTypes } from "discordeno";
import type { PlaylistTrack } from "../playlists/playlist_model.ts";
import { escapedWithin, formatDuration, linkableUrl } from "./format.ts";
import type { ReplyBody } from "./interaction_reply.ts";
import { clampPage, pageCount, pageTurnButtons, QUEUE_PAGE_SIZE } from "./queue_page.ts";

/** Whose playlist a page button shows: a person's (by user id) or a server's (by guild id). */
export interface PlaylistPageTarget {
  kind: "user" | "guild";
  ownerId: string;
  /** The playlist's lookup key. */
  key: string;
}

/** What one page shows. */
export interface PlaylistPageInfo {
  title: string;
  list: readonly PlaylistTrack[];
  /** 1-based; clamped to the pages there are. */
  page: number;
  target: PlaylistPageTarget;
  /** What the listing is of, under the pages: "server playlist", say. */
  kindLabel: string;
}

/** The custom id of a button that shows `page` of `target`. */
export function playlistPageId(target: PlaylistPageTarget, page: number): string {
  return `pl:page:${target.kind === "user" ? "u" : "g"}:${target.ownerId}:${page}:${target.key}`;
}

/** The page a custom id asks for, or undefined unless it is exactly the shape `playlistPageId` draws. */
export function parsePlaylistPageId(customId: string): (PlaylistPageTarget & { page: number }) | undefined {
  // Ids come back from the client: only the exact shape is taken, and the key is bounded like a name.
  const match = /^pl:page:([ug]):(\d{1,22}):(\d{1,6}):([^:]{1,32})$/u.exec(customId);
  if (!match) return undefined;
  const [, kind, ownerId, page, key] = match;
  return { kind: kind === "u" ? "user" : "guild", ownerId, page: Number(page), key };
}

/** The message body for one page of a playlist. */
export function playlistPage(info: PlaylistPageInfo): ReplyBody {
  const pages = pageCount(info.list.length);
  const page = clampPage(info.page, pages);
  const footer = { text: `Page ${page}/${pages} · ${info.kindLabel}` };
  const title = escapedWithin(info.title, 100);
  if (info.list.length === 0) {
    return { embeds: [{ title, description: "No tracks yet.", footer }], components: [] };
  }
  const first = (page - 1) * QUEUE_PAGE_SIZE;
  const lines = info.list.slice(first, first + QUEUE_PAGE_SIZE).map((track, i) =>
    `**${first + i + 1}.** ${trackLine(track)}`
  );
  const description = [totals(info.list), "", ...lines].join("\n").slice(0, DESCRIPTION_MAX);
  return {
    embeds: [{ title, description, footer }],
    components: [{
      type: MessageComponentTypes.ActionRow,
      components: pageTurnButtons(page, pages, (target) => playlistPageId(info.target, target)),
    }],
    allowedMentions: { parse: [] },
  };
}

// Ten lines of at most ~300 characters (80 of title, a 200-character link) stay far inside 4096.
const DESCRIPTION_MAX = 4096;

function totals(list: readonly PlaylistTrack[]): string {
  const known = list.flatMap((track) => isKnown(track.durationSeconds) ? [track.durationSeconds!] : []);
  const count = `**${list.length} ${list.length === 1 ? "track" : "tracks"}**`;
  if (known.length === 0) return `${count} · length unknown`;
  const total = formatDuration(known.reduce((sum, seconds) => sum + seconds, 0));
  const unknown = list.length - known.length;
  return `${count} · ${total} in total${unknown > 0 ? `, plus ${unknown} of unknown length` : ""}`;
}

function isKnown(seconds: number | undefined): boolean {
  return seconds !== undefined && Number.isFinite(seconds) && seconds > 0;
}

function trackLine(track: PlaylistTrack): string {
  const title = `**${escapedWithin(track.title, 80)}**`;
  const url = linkableUrl(track.url, 200);
  const label = url === undefined ? title : `[${title}](<${url}>)`;
  return `${label} (${formatDuration(track.durationSeconds)})`;
}
