/**
 * Parts of a track that are jumped over (SponsorBlock's non-music sections), and the arithmetic between the
 * file's time and the time a listener hears: what is shown and what the fair queue charges count only the
 * heard part.
 */

/** A part of a track that is not played, in seconds of the source file. */
export interface SkipSegment {
  startSeconds: number;
  endSeconds: number;
}

/** More than this many parts in one track is not a music video any more: the rest are ignored. */
export const MAX_SKIP_SEGMENTS = 16;
/** Shorter parts are not worth a seam. */
const MIN_SEGMENT_SECONDS = 0.5;

/** Sorted, clipped to the track, merged where they touch, tiny ones dropped, at most MAX_SKIP_SEGMENTS. */
export function normalizeSegments(raw: readonly SkipSegment[], durationSeconds?: number): SkipSegment[] {
  const end = durationSeconds !== undefined && durationSeconds > 0 ? durationSeconds : Infinity;
  const sorted = raw
    .filter((s) => Number.isFinite(s.startSeconds) && Number.isFinite(s.endSeconds))
    .map((s) => ({ startSeconds: Math.max(0, s.startSeconds), endSeconds: Math.min(end, s.endSeconds) }))
    .filter((s) => s.endSeconds > s.startSeconds)
    .sort((a, b) => a.startSeconds - b.startSeconds);
  const merged: SkipSegment[] = [];
  for (const segment of sorted) {
    const last = merged.at(-1);
    if (last && segment.startSeconds <= last.endSeconds) {
      last.endSeconds = Math.max(last.endSeconds, segment.endSeconds);
    } else merged.push({ ...segment });
  }
  return merged.filter((s) => s.endSeconds - s.startSeconds >= MIN_SEGMENT_SECONDS).slice(
    0,
    MAX_SKIP_SEGMENTS,
  );
}

/** Seconds of `segments` that lie before `fileSeconds` in the file. */
export function skippedBefore(fileSeconds: number, segments: readonly SkipSegment[]): number {
  let skipped = 0;
  for (const { startSeconds, endSeconds } of segments) {
    if (startSeconds >= fileSeconds) break;
    skipped += Math.min(endSeconds, fileSeconds) - startSeconds;
  }
  return skipped;
}

/** A place in the file as heard time: the skipped parts before it do not count. */
export function heardSeconds(fileSeconds: number, segments: readonly SkipSegment[]): number {
  return Math.max(0, fileSeconds - skippedBefore(fileSeconds, segments));
}

/** A heard time back to its place in the file (the inverse of `heardSeconds`, past the parts skipped). */
export function fileSecondsOf(heard: number, segments: readonly SkipSegment[]): number {
  let file = heard;
  for (const { startSeconds, endSeconds } of segments) {
    if (startSeconds > file) break;
    file += endSeconds - startSeconds;
  }
  return file;
}

/** The part that `fileSeconds` is in, or the next one after it; undefined when none is left. */
export function segmentFrom(fileSeconds: number, segments: readonly SkipSegment[]): SkipSegment | undefined {
  return segments.find((segment) => segment.endSeconds > fileSeconds);
}

/** How long a track is heard: its duration less its skipped parts; undefined when its duration is unknown. */
export function heardLength(track: { durationSeconds?: number; skipSegments?: readonly SkipSegment[] }) {
  const full = track.durationSeconds;
  return full === undefined ? undefined : heardSeconds(full, track.skipSegments ?? []);
}
