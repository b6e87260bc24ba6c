/** One page of the /queue listing, with ◀ ▶ buttons to turn pages. */
import { type ButtonComponent, ButtonStyles, MessageComponentTypes } from "discordeno";
import { heardLength } from "../skip_segments.ts";
import type { Track } from "../track.ts";
import { escapedWithin, formatDuration, lengthLabel, linkableUrl } from "./format.ts";
import type { ReplyBody } from "./interaction_reply.ts";

/** Tracks listed per page. */
export const QUEUE_PAGE_SIZE = 10;

/** What one page shows: the whole schedule (it is paged here), the page wanted and the current track. */
export interface QueuePageInfo {
  entries: readonly { position: number; track: Track; startsInSeconds: number }[];
  /** 1-based; clamped to the pages there are, since the queue may have shrunk since the button was drawn. */
  page: number;
  current?: Track;
  mode: "fair" | "fifo";
}

/** How many pages `count` tracks take; an empty queue still has its one page. */
export function pageCount(count: number): number {
  if (!Number.isFinite(count) || count <= 0) return 1;
  return Math.ceil(count / QUEUE_PAGE_SIZE);
}

/** The custom id of a button that shows `page`. */
export function queuePageId(page: number): string {
  return `${PAGE_ID_PREFIX}${page}`;
}

/** The page a button's custom id asks for; undefined unless it is exactly "queue:page:<1 to 999999>". */
export function parseQueuePageId(customId: string): number | undefined {
  // The id comes back from the client, so anything but the exact shape we draw is refused.
  const match = /^queue:page:([1-9][0-9]{0,5})$/.exec(customId);
  return match ? Number(match[1]) : undefined;
}

/** The message body for one page of the queue. */
export function queuePage(info: QueuePageInfo): ReplyBody {
  const pages = pageCount(info.entries.length);
  const page = clampPage(info.page, pages);
  const fields = info.current ? [{ name: "Now playing", value: entryLabel(info.current) }] : [];
  const footer = { text: `Page ${page}/${pages} · ${info.mode} queue` };
  if (info.entries.length === 0) {
    const description = "The queue is empty. Use /play to add a track.";
    // An empty components list removes the old buttons when a page is redrawn in place.
    return { embeds: [{ title: "Queue", description, fields, footer }], components: [] };
  }
  const shown = info.entries.slice((page - 1) * QUEUE_PAGE_SIZE, page * QUEUE_PAGE_SIZE);
  const description = withinLines([totalsLine(info.entries), "", ...shown.map(queueLine)], DESCRIPTION_MAX);
  return {
    embeds: [{ title: "Queue", description, fields, footer }],
    components: [{ type: MessageComponentTypes.ActionRow, components: pageButtons(page, pages) }],
  };
}

const PAGE_ID_PREFIX = "queue:page:";

// Discord allows 4096 characters of description; ten lines at their longest stay well inside that:
// 80 characters of title and a 200-character link make at most ~360 per line.
const DESCRIPTION_MAX = 4096;
const TITLE_MAX = 80;
const LINK_URL_MAX = 200;

/** `page` within 1 to `pages`; anything not a number is page 1. */
export function clampPage(page: number, pages: number): number {
  if (!Number.isFinite(page)) return 1;
  return Math.min(pages, Math.max(1, Math.floor(page)));
}

function totalsLine(entries: QueuePageInfo["entries"]): string {
  const durations = entries.map((entry) => heardLength(entry.track));
  const known = durations.filter((seconds): seconds is number => isKnown(seconds));
  const total = known.reduce((sum, seconds) => sum + seconds, 0);
  const unknown = durations.length - known.length;
  const tracks = `**${entries.length} ${entries.length === 1 ? "track" : "tracks"}**`;
  const extra = unknown > 0 ? `, plus ${unknown} of unknown length` : "";
  return `${tracks} · ${formatDuration(total)} in total${extra}`;
}

function isKnown(seconds: number | undefined): boolean {
  return seconds !== undefined && Number.isFinite(seconds) && seconds > 0;
}

function queueLine(entry: QueuePageInfo["entries"][number]): string {
  const when = entry.position === 1 ? "next" : `in ${formatDuration(entry.startsInSeconds)}`;
  return `**${entry.position}.** ${entryLabel(entry.track)} · ${when}`;
}

function entryLabel(track: Track): string {
  // Mentions in embeds show the name without pinging anyone.
  const who = track.autoplay ? "autoplay" : `<@${track.requesterId}>`;
  const title = `**${escapedWithin(track.title, TITLE_MAX)}**`;
  const url = linkableUrl(track.url, LINK_URL_MAX);
  const label = url === undefined ? title : `[${title}](<${url}>)`;
  return `${label} (${lengthLabel(track)}) · ${who}`;
}

function pageButtons(page: number, pages: number): [ButtonComponent, ButtonComponent] {
  return pageTurnButtons(page, pages, queuePageId);
}

/** ◀ and ▶ for any paged listing; `idOf` names the page each button shows. */
export function pageTurnButtons(
  page: number,
  pages: number,
  idOf: (page: number) => string,
): [ButtonComponent, ButtonComponent] {
  // The targets stay distinct even when both are disabled: Discord refuses repeated custom ids.
  return [
    pageButton("◀", idOf(page - 1), page <= 1),
    pageButton("▶", idOf(page + 1), page >= pages),
  ];
}

function pageButton(label: string, customId: string, disabled: boolean): ButtonComponent {
  return { type: MessageComponentTypes.Button, style: ButtonStyles.Secondary, label, customId, disabled };
}

/** Joins lines, dropping whole lines from the end rather than cutting one mid-link. */
function withinLines(lines: string[], max: number): string {
  let text = lines.join("\n");
  while (text.length > max && lines.length > 1) text = (lines = lines.slice(0, -1)).join("\n");
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
