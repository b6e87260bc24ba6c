/**
 * What LRCLIB is asked for a track: Spotify knows the title and the artists; a video's title is usually
 * "Artist - Title (Official Video)", from which the artist and the bare title are taken.
 */
import type { Track } from "../track.ts";

/** A song as LRCLIB files it; `artist` unknown when the title does not say. */
export interface LyricsQuery {
  title: string;
  artist?: string;
  album?: string;
  durationSeconds?: number;
}

/** Words in brackets that describe the upload, not the song. */
const UPLOAD_NOTES =
  /\s*[([](?:official|lyrics?|audio|video|music video|visuali[sz]er|hd|4k|remaster(?:ed)?|live|mv)[^)\]]*[)\]]/gi;
const TOPIC_SUFFIX = /\s+-\s+topic$/i;
const LONGEST_FIELD = 200;

/** The query for `track`. */
export function lyricsQueryOf(track: Pick<Track, "title" | "source" | "durationSeconds">): LyricsQuery {
  const durationSeconds = track.durationSeconds;
  const source = track.source;
  if (source.kind === "spotify") {
    return withDuration({ title: cut(source.title), artist: cut(source.artists[0] ?? "") || undefined }, {
      durationSeconds: source.durationSeconds ?? durationSeconds,
    });
  }
  const title = cut(track.title.replace(UPLOAD_NOTES, "").replace(/\s+/g, " ").trim());
  const dash = /^(.+?)\s+[-–—]\s+(.+)$/.exec(title);
  if (!dash) return withDuration({ title }, { durationSeconds });
  return withDuration({ artist: dash[1].replace(TOPIC_SUFFIX, ""), title: dash[2] }, { durationSeconds });
}

/** The words of a search: the artist and the title. */
export function searchWords(query: LyricsQuery): string {
  return [query.artist, query.title].filter(Boolean).join(" ");
}

function cut(text: string): string {
  return text.trim().slice(0, LONGEST_FIELD);
}

function withDuration(query: LyricsQuery, extra: { durationSeconds?: number }): LyricsQuery {
  const seconds = extra.durationSeconds;
  return seconds !== undefined && Number.isFinite(seconds) && seconds > 0
    ? { ...query, durationSeconds: Math.round(seconds) }
    : query;
}
