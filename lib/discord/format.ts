/** How tracks and times are written in messages. */
import { heardLength } from "../skip_segments.ts";
import type { Track } from "../track.ts";

/** 3:07, or 1:02:03 for long tracks; "live" when unknown. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return "?:??";
  const whole = Math.max(0, Math.round(seconds));
  const [h, m, s] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60];
  const mm = h > 0 ? String(m).padStart(2, "0") : String(m);
  return `${h > 0 ? `${h}:` : ""}${mm}:${String(s).padStart(2, "0")}`;
}

/** Titles come from the internet: neutralize Discord markdown and mention syntax in them. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\*_~`|>\[\]()])/g, "\\$1").replace(/@/g, "@\u200b");
}

/** "**Title** (3:07)", linked to the track's page; the length is what is heard (skipped parts left out). */
export function trackLabel(
  track: Pick<Track, "title" | "url" | "durationSeconds" | "skipSegments" | "live">,
): string {
  return `[**${escapeMarkdown(track.title)}**](<${track.url}>) (${lengthLabel(track)})`;
}

/** What a live stream shows in place of a length. */
export const LIVE_LABEL = "🔴 LIVE";

/** A track's length as heard, or LIVE for a live stream. */
export function lengthLabel(track: Pick<Track, "durationSeconds" | "skipSegments" | "live">): string {
  return track.live ? LIVE_LABEL : formatDuration(heardLength(track));
}

/** Escapes `text` and cuts it, on a character boundary and never inside an escape, to at most `max`. */
export function escapedWithin(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, " ").trim() || "Untitled";
  const full = escapeMarkdown(oneLine);
  if (full.length <= max) return full;
  let cut = "";
  for (const char of oneLine) {
    const piece = escapeMarkdown(char);
    if (cut.length + piece.length + 1 > max) break;
    cut += piece;
  }
  return `${cut}…`;
}

/** The url when it is safe inside `[title](<url>)` and at most `maxLength` long; a url Discord rejects fails the whole message. */
export function linkableUrl(url: string, maxLength: number): string | undefined {
  return url.length <= maxLength && /^https?:\/\/[^\s<>()]+$/i.test(url) ? url : undefined;
}
