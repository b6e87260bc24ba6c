/**
 * The resolver's side of SponsorBlock: non-music parts of YouTube videos looked up once per video (answers
 * kept for a while), added to resolved tracks within a short budget so a long playlist does not hold up
 * /play; what the budget leaves out is looked up when the track is prepared.
 */
import type { ResolverAnswer } from "../channels/resolver_messages.ts";
import type { SkipSegment } from "../skip_segments.ts";
import type { TrackInfo } from "../track.ts";
import { SearchCache } from "./search_cache.ts";
import { createSponsorBlock } from "./sponsorblock.ts";

/**
 * Time a /play may wait for SponsorBlock, for all its tracks together: one answer normally takes a round trip
 * (~0.1-0.3 s), and the first note must not wait for a slow volunteer server.
 */
const RESOLVE_BUDGET_MS = 1_000;
/** Lookups at once for one request: SponsorBlock is a volunteer service. */
const CONCURRENCY = 4;

/** Looks up and attaches skip segments; a finder made without a URL (SponsorBlock off) does nothing. */
export interface SegmentFinder {
  /** The answer with `skipSegments` on the YouTube tracks looked up in time. */
  addTo(answer: ResolverAnswer): Promise<ResolverAnswer>;
  /** One video's segments; `segments` absent when unknown. */
  of(videoId: string, durationSeconds?: number, signal?: AbortSignal): Promise<{ segments?: SkipSegment[] }>;
}

/** A finder asking SponsorBlock at `baseUrl`, or one that finds nothing when it is unset. */
export function createSegmentFinder(baseUrl: string | undefined): SegmentFinder {
  if (baseUrl === undefined) {
    return {
      addTo: (answer) => Promise.resolve(answer),
      of: () => Promise.resolve({}),
    };
  }
  const lookup = createSponsorBlock({ baseUrl });
  const known = new SearchCache<SkipSegment[]>({ maxEntries: 5_000, ttlMs: 60 * 60_000 });
  const of = async (videoId: string, durationSeconds?: number, signal?: AbortSignal) => {
    try {
      // A failed lookup is not cached: the loader throws, so the next track tries again.
      const segments = await known.get(videoId, async () => {
        const found = await lookup(videoId, durationSeconds, signal);
        if (found === undefined) throw new Error("unknown");
        return found;
      });
      return { segments };
    } catch {
      return {};
    }
  };
  return {
    of,
    async addTo(answer) {
      if (answer.outcome !== "tracks") return answer;
      const budget = AbortSignal.timeout(RESOLVE_BUDGET_MS);
      const list: TrackInfo[] = [...answer.tracks];
      let next = 0;
      const work = async () => {
        while (next < list.length && !budget.aborted) {
          const index = next++;
          const track = list[index];
          if (track.source.kind !== "youtube" || track.skipSegments) continue;
          const { segments } = await of(track.source.videoId, track.durationSeconds, budget);
          if (segments) list[index] = { ...track, skipSegments: segments };
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, work));
      return { ...answer, tracks: list };
    },
  };
}
