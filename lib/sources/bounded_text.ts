/**
 * Text from outside (titles, artists, names from yt-dlp, Spotify, YouTube's search, web pages) cut to a
 * sensible length where it enters the bot: a 70,000-character page title must not reach a reply, a saved
 * queue or a log line whole.
 */

/** The longest text of each kind the bot keeps, in characters (code points). */
export const TEXT_LIMITS = {
  /** A track's or playlist's title. */
  title: 200,
  /** One artist's or channel's name. */
  artist: 100,
  /** At most this many artists per track. */
  artists: 10,
} as const;

/** `text` on one line, without control characters, and at most `max` characters (ending in "…" when cut). */
export function boundedText(text: string, max: number): string {
  // Only a bounded prefix is ever looked at, whatever the length that came in.
  const head = text.length > max * 4 + 64 ? text.slice(0, max * 4 + 64) : text;
  // deno-lint-ignore no-control-regex
  const clean = head.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ").replace(/\s+/g, " ").trim();
  const chars = [...clean];
  if (chars.length <= max && head.length === text.length) return clean;
  return `${chars.slice(0, Math.max(0, max - 1)).join("").trimEnd()}…`;
}

/** A title, bounded; `fallback` when it is empty. */
export function boundedTitle(text: string, fallback = "Untitled"): string {
  return boundedText(text, TEXT_LIMITS.title) || fallback;
}

/** A list of artist names, each bounded, empty ones dropped, at most {@linkcode TEXT_LIMITS.artists}. */
export function boundedArtists(names: readonly string[]): string[] {
  return names.slice(0, TEXT_LIMITS.artists * 2)
    .map((name) => boundedText(name, TEXT_LIMITS.artist))
    .filter((name) => name !== "")
    .slice(0, TEXT_LIMITS.artists);
}
