/**
 * Finds the YouTube video for a Spotify track when it is about to be prepared: a remembered match
 * first, then a search by its ISRC where known, then by "artist - title", keeping only candidates of about
 * the right length.
 */
import type { TrackInfo, TrackSource } from "../track.ts";
import {
  matchQueries,
  pickYoutubeMatch,
  type SpotifyTrackSource,
  type YoutubeCandidate,
} from "./spotify_match.ts";
import type { SpotifyMatchMemory } from "./spotify_match_memory.ts";

type YoutubeSource = Extract<TrackSource, { kind: "youtube" }>;

/** Matches Spotify tracks to YouTube videos, remembering each match. */
export function createSpotifyMatcher(parts: {
  memory: SpotifyMatchMemory;
  search: (text: string) => Promise<TrackInfo[]>;
}) {
  return {
    /** The matching video, or undefined when no candidate is close enough. */
    async match(track: SpotifyTrackSource): Promise<YoutubeSource | undefined> {
      const remembered = await parts.memory.get(track.trackId);
      if (remembered) return { kind: "youtube", videoId: remembered };
      for (const query of matchQueries(track)) {
        const best = pickYoutubeMatch(track, candidatesOf(await parts.search(query)));
        if (!best) continue;
        await parts.memory.set(track.trackId, best.videoId);
        return { kind: "youtube", videoId: best.videoId };
      }
      return undefined;
    },
  };
}

function candidatesOf(results: TrackInfo[]): YoutubeCandidate[] {
  return results.flatMap((result) =>
    result.source.kind === "youtube"
      ? [{ videoId: result.source.videoId, title: result.title, durationSeconds: result.durationSeconds }]
      : []
  );
}
