/** The /lyrics answer: a song's lyrics a page at a time (◀ ▶ buttons, like /queue), or why there are none. */
import { type ButtonComponent, ButtonStyles, MessageComponentTypes } from "discordeno";
import { type Lyrics, textOf } from "../lyrics/lyrics.ts";
import { escapedWithin, escapeMarkdown } from "./format.ts";
import type { ReplyBody } from "./interaction_reply.ts";

/** Characters of lyrics per page: well inside Discord's 4096 for an embed description. */
export const LYRICS_PAGE_CHARS = 1_800;
const TITLE_MAX = 200;
const PAGE_ID = /^lyrics:page:([1-9][0-9]{0,3}):([A-Za-z0-9-]{1,40})$/;

/** What one page shows. */
export interface LyricsPageInfo {
  title: string;
  lyrics: Lyrics;
  /** 1-based; clamped to the pages there are. */
  page: number;
  /** The queue entry the lyrics belong to, carried in the buttons so a page of an old song is not shown. */
  trackId: string;
}

/** The custom id of a button showing `page` of the lyrics of `trackId`. */
export function lyricsPageId(page: number, trackId: string): string {
  return `lyrics:page:${page}:${trackId}`;
}

/** The page and track a button's custom id names; undefined unless it has exactly the shape drawn. */
export function parseLyricsPageId(customId: string): { page: number; trackId: string } | undefined {
  const match = PAGE_ID.exec(customId);
  return match ? { page: Number(match[1]), trackId: match[2] } : undefined;
}

/** The lyrics split into pages at line ends (a single overlong line is cut). */
export function lyricsPages(text: string, pageChars = LYRICS_PAGE_CHARS): string[] {
  const pages: string[] = [];
  let page = "";
  for (const line of escapeMarkdown(text).split("\n")) {
    const piece = line.length > pageChars ? `${line.slice(0, pageChars - 1)}…` : line;
    if (page !== "" && page.length + 1 + piece.length > pageChars) {
      pages.push(page);
      page = "";
    }
    page = page === "" ? piece : `${page}\n${piece}`;
  }
  if (page.trim() !== "" || pages.length === 0) pages.push(page);
  return pages;
}

/** The message body for one page of the lyrics, or the sentence saying there are none. */
export function lyricsPage(info: LyricsPageInfo): ReplyBody {
  const title = escapedWithin(info.title, TITLE_MAX);
  switch (info.lyrics.kind) {
    case "instrumental":
      return {
        content: `**${title}** is an instrumental: it has no words to show.`,
        embeds: [],
        components: [],
      };
    case "not-found":
      return { content: `I couldn't find lyrics for **${title}**.`, embeds: [], components: [] };
  }
  const lyrics = info.lyrics;
  const synced = lyrics.kind === "synced";
  const pages = lyricsPages(lyrics.kind === "synced" ? textOf(lyrics.lines) : lyrics.text);
  const page = Math.min(pages.length, Math.max(1, Math.floor(Number.isFinite(info.page) ? info.page : 1)));
  const follow = synced ? " · press 🎤 on the now-playing card to follow along" : "";
  return {
    content: "",
    embeds: [{
      title: `Lyrics: ${title}`,
      description: pages[page - 1],
      footer: { text: `Page ${page}/${pages.length} · from LRCLIB${follow}` },
    }],
    components: pages.length === 1 ? [] : [{
      type: MessageComponentTypes.ActionRow,
      components: [
        pageButton("◀", page - 1, info.trackId, page <= 1),
        pageButton("▶", page + 1, info.trackId, page >= pages.length),
      ],
    }],
  };
}

function pageButton(label: string, target: number, trackId: string, disabled: boolean): ButtonComponent {
  return {
    type: MessageComponentTypes.Button,
    style: ButtonStyles.Secondary,
    label,
    customId: lyricsPageId(Math.max(1, target), trackId),
    disabled,
  };
}
