/**
 * SponsorBlock's `music_offtopic` segments (intros, talk, outros in music videos), asked for by the first
 * four hex digits of the video id's SHA-256, so the server answers for a few hundred videos and never learns
 * which one plays; the entry for ours is picked out here. The answer is outside text: its size, its entries
 * and its numbers are bounded before they are used.
 */
import { normalizeSegments, type SkipSegment } from "../skip_segments.ts";
import { boundedText } from "./bounded_body.ts";

/** How a client is set up; `fetch` is injectable for tests. */
export interface SponsorBlockOptions {
  /** SPONSORBLOCK_URL, without a trailing slash. */
  baseUrl: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The non-music parts of a video; undefined when SponsorBlock could not be asked (unknown, not "none"). */
export type SegmentLookup = (
  videoId: string,
  durationSeconds?: number,
  signal?: AbortSignal,
) => Promise<SkipSegment[] | undefined>;

/** One hash prefix answers for many videos; more than a few megabytes is not an answer. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;
const MAX_ENTRIES = 5_000;
const MAX_SEGMENTS_PER_VIDEO = 64;
/** Segments submitted for another upload of the video (another length) would cut the wrong place. */
const DURATION_TOLERANCE_SECONDS = 2;
const CATEGORY = "music_offtopic";

/** The four hex digits SponsorBlock is asked by: the start of SHA-256 of the video id. */
export async function hashPrefix(videoId: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(videoId)));
  return [...digest.slice(0, 2)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** A lookup against SponsorBlock at `baseUrl`. */
export function createSponsorBlock(options: SponsorBlockOptions): SegmentLookup {
  const fetchFn = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 5_000;
  let lastWarning = -Infinity;
  // While SponsorBlock is down every track would say so: once a minute is enough for an owner.
  const warnAtMostEveryMinute = (message: string) => {
    if (Date.now() - lastWarning < 60_000) return;
    lastWarning = Date.now();
    console.warn(`${message} Tracks play without skipping until it answers.`);
  };
  return async (videoId, durationSeconds, signal) => {
    const prefix = await hashPrefix(videoId);
    const categories = encodeURIComponent(JSON.stringify([CATEGORY]));
    const url = `${options.baseUrl}/api/skipSegments/${prefix}?categories=${categories}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const response = await fetchFn(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      // SponsorBlock's way of saying that no video under the prefix has segments.
      if (response.status === 404) {
        await response.body?.cancel();
        return [];
      }
      if (!response.ok) {
        await response.body?.cancel();
        warnAtMostEveryMinute(`SponsorBlock answered HTTP ${response.status}.`);
        return undefined;
      }
      const body = await boundedText(response, MAX_BODY_BYTES, "SponsorBlock's answer");
      return segmentsOf(JSON.parse(body), videoId, durationSeconds);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      warnAtMostEveryMinute(
        `SponsorBlock could not be asked (${error instanceof Error ? error.name : "error"}).`,
      );
      return undefined;
    }
  };
}

/** Our video's `music_offtopic` skip segments out of a hash-prefix answer; anything malformed is left out. */
export function segmentsOf(answer: unknown, videoId: string, durationSeconds?: number): SkipSegment[] {
  if (!Array.isArray(answer)) throw new Error("SponsorBlock's answer is not a list");
  const entry = answer.slice(0, MAX_ENTRIES).find((item) => isRecord(item) && item.videoID === videoId);
  if (!isRecord(entry) || !Array.isArray(entry.segments)) return [];
  const found: SkipSegment[] = [];
  for (const item of entry.segments.slice(0, MAX_SEGMENTS_PER_VIDEO)) {
    if (!isRecord(item) || item.category !== CATEGORY) continue;
    if (item.actionType !== undefined && item.actionType !== "skip") continue;
    const span = item.segment;
    if (!Array.isArray(span) || span.length !== 2 || !span.every(isFiniteNumber)) continue;
    const listed = item.videoDuration;
    if (
      durationSeconds !== undefined && isFiniteNumber(listed) && listed > 0 &&
      Math.abs(listed - durationSeconds) > DURATION_TOLERANCE_SECONDS
    ) continue;
    found.push({ startSeconds: span[0], endSeconds: span[1] });
  }
  return normalizeSegments(found, durationSeconds);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}
