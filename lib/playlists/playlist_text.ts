/**
 * The text form of a playlist, for import and export: one link or search per line. Lines starting with "#"
 * are comments; after a link, " # title" is a comment too (export writes the title there for people
 * reading the file). Every line is bounded where it enters.
 */
import { escapeMarkdown } from "../discord/format.ts";
import type { Playlist } from "./playlist_model.ts";

/** Longest line taken, the same bound as /play's query. */
export const LINE_MAX = 500;

/** What a text file asks for. */
export interface PlaylistLines {
  /** Links and searches, in file order, at most `maxLines`. */
  lines: string[];
  /** Lines past `maxLines`. */
  beyondCap: number;
  /** Lines longer than `LINE_MAX`, not taken. */
  tooLong: number;
}

/** The links and searches in `text`, the first `maxLines` of them. */
export function parsePlaylistText(text: string, maxLines: number): PlaylistLines {
  const lines: string[] = [];
  let beyondCap = 0;
  let tooLong = 0;
  for (const raw of text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/)) {
    const line = entryOf(raw);
    if (line === undefined) continue;
    if (line.length > LINE_MAX) tooLong++;
    else if (lines.length >= maxLines) beyondCap++;
    else lines.push(line);
  }
  return { lines, beyondCap, tooLong };
}

/** The file `/playlist export` attaches: a comment naming the playlist, then one link per track. */
export function playlistText(playlist: Playlist): string {
  const header = `# ${playlist.name}: ${playlist.list.length} tracks, exported by Trazom`;
  const lines = playlist.list.map((track) => `${track.url} # ${oneLine(track.title)}`);
  return [header, ...lines, ""].join("\n");
}

/** A file name for an exported playlist: its name, kept to safe characters. */
export function exportFileName(playlist: Pick<Playlist, "name">): string {
  const base = playlist.name.replace(/[^\p{L}\p{N}_-]+/gu, "_").replace(/^_+|_+$/g, "") || "playlist";
  return `${base}.txt`;
}

/** How a line reads in a reply, bounded and without markdown. */
export function shownLine(line: string): string {
  return escapeMarkdown(line.length > 80 ? `${line.slice(0, 79)}…` : line);
}

function entryOf(raw: string): string | undefined {
  // Control characters (other than the tab) have no place in a search or link.
  // deno-lint-ignore no-control-regex
  const line = raw.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "").trim();
  if (line === "" || line.startsWith("#")) return undefined;
  if (/^https?:\/\//i.test(line)) return line.replace(/\s+#.*$/, "").trim();
  return line.replace(/\s+/g, " ");
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
