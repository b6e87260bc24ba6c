/** What /lyrics can find for a song, in the bounds every source of lyrics is cut to where it enters. */

/** One line of synced lyrics: when it is sung, in seconds from the start of the song. */
export interface LyricLine {
  atSeconds: number;
  text: string;
}

/** A song's lyrics: timed lines, plain text, none because it has no words, or none found. */
export type Lyrics =
  | { kind: "synced"; lines: LyricLine[] }
  | { kind: "plain"; text: string }
  | { kind: "instrumental" }
  | { kind: "not-found" };

/** Longest plain text kept: longer than any song, short enough for the store. */
export const MAX_PLAIN_CHARS = 12_000;
/** Most synced lines kept, and the longest line. */
export const MAX_LINES = 400;
export const MAX_LINE_CHARS = 150;

/** Plain text cut to the bounds, with line endings made plain and blank runs shortened. */
export function boundedPlain(text: string): string {
  const clean = text.replace(/\r\n?/g, "\n").replace(/\n{3,}/g, "\n\n").trim();
  return clean.length <= MAX_PLAIN_CHARS ? clean : `${clean.slice(0, MAX_PLAIN_CHARS - 1)}…`;
}

/** A line cut to MAX_LINE_CHARS. */
export function boundedLine(text: string): string {
  const clean = text.replace(/\s+/g, " ").trim();
  return clean.length <= MAX_LINE_CHARS ? clean : `${clean.slice(0, MAX_LINE_CHARS - 1)}…`;
}

/** The text of synced lyrics, for showing them as plain. */
export function textOf(lines: readonly LyricLine[]): string {
  return lines.map((line) => line.text).join("\n");
}
