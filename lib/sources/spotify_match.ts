import type { TrackSource } from "../track.ts";

/** A Spotify track as the queue holds it. */
export type SpotifyTrackSource = Extract<TrackSource, { kind: "spotify" }>;

/** One YouTube search result. */
export interface YoutubeCandidate {
  videoId: string;
  title: string;
  durationSeconds?: number;
}

/** How far a candidate's length may stray from the Spotify track's, as a fraction of the latter. */
export const DURATION_TOLERANCE = 0.1;

/** Words that mark a different recording, unless the Spotify title has them too. */
export const OTHER_VERSION_WORDS = [
  "live",
  "cover",
  "karaoke",
  "remix",
  "instrumental",
  "nightcore",
] as const;

const TITLE_WEIGHT = 2;
const ARTIST_WEIGHT = 1;
const OTHER_VERSION_PENALTY = 1.5;
const DURATION_WEIGHT = 0.5;

/**
 * Search texts to try in order: the ISRC where Spotify's Web API gave one (the label's own upload lists it,
 * so it finds that recording and not a cover), then "Artist - Title". Either way the candidates still pass
 * the name and duration checks.
 */
export function matchQueries(track: SpotifyTrackSource): string[] {
  const artists = track.artists.join(", ").trim();
  const byName = artists ? `${artists} - ${track.title}` : track.title;
  return track.isrc ? [track.isrc, byName] : [byName];
}

/** The candidate most likely to be the same recording, or undefined when none is plausible. */
export function pickYoutubeMatch<C extends YoutubeCandidate>(
  track: SpotifyTrackSource,
  candidates: readonly C[],
): C | undefined {
  let best: { candidate: C; score: number } | undefined;
  for (const candidate of candidates) {
    const score = scoreCandidate(track, candidate);
    // Strictly greater: on a tie the search engine's own order wins.
    if (score !== undefined && score > (best?.score ?? 0)) best = { candidate, score };
  }
  return best?.candidate;
}

/** Higher is better; undefined rules the candidate out. */
function scoreCandidate(track: SpotifyTrackSource, candidate: YoutubeCandidate): number | undefined {
  const offBy = durationError(track.durationSeconds, candidate.durationSeconds);
  if (offBy !== undefined && offBy > DURATION_TOLERANCE) return undefined;
  const text = normalize(candidate.title);
  const titleShare = shareFound(words(coreTitle(track.title)), text);
  const artistShare = shareFound(words(track.artists.join(" ")), text);
  if (titleShare === 0 && artistShare === 0) return undefined;
  const spotifyWords = new Set(words(`${track.title} ${track.artists.join(" ")}`));
  const otherVersions = OTHER_VERSION_WORDS.filter((word) => !spotifyWords.has(word) && hasWord(text, word));
  const closeness = offBy === undefined ? 0 : 1 - offBy / DURATION_TOLERANCE;
  return TITLE_WEIGHT * titleShare + ARTIST_WEIGHT * artistShare + DURATION_WEIGHT * closeness -
    OTHER_VERSION_PENALTY * otherVersions.length;
}

/** "Song - Remastered 2011" and "Song (feat. X)" are usually uploaded as just "Song". */
function coreTitle(title: string): string {
  const core = title.replace(/\s+-\s+.*$/, "").replace(/[([](?:feat|ft|with)\b[^)\]]*[)\]]/gi, "");
  return core.trim() || title;
}

function durationError(expected?: number, actual?: number): number | undefined {
  if (!expected || !actual) return undefined;
  return Math.abs(actual - expected) / expected;
}

/** Lowercase, without accents or punctuation, single-spaced, with a space at each end for whole-word tests. */
function normalize(text: string): string {
  const plain = text.normalize("NFKD").replace(/\p{M}+/gu, "").toLowerCase();
  return ` ${plain.replace(/[^\p{L}\p{N}]+/gu, " ").trim()} `;
}

function words(text: string): string[] {
  return normalize(text).split(" ").filter(Boolean);
}

function hasWord(normalized: string, word: string): boolean {
  return normalized.includes(` ${word} `);
}

function shareFound(wanted: string[], normalized: string): number {
  if (wanted.length === 0) return 0;
  return wanted.filter((word) => hasWord(normalized, word)).length / wanted.length;
}
