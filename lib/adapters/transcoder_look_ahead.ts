/** The look-ahead's port: the transcoder finds a video's audio address ahead, the cache says what it holds. */
import type { AudioCache } from "../cache/audio_cache.ts";
import { cacheKeyFor } from "../cache/cache_key.ts";
import type { LoudnessTarget } from "../audio/loudnorm.ts";
import type { WorkerClient } from "../channels/worker_client.ts";
import type { TranscoderAnswer, TranscoderRequest } from "../channels/transcoder_messages.ts";
import type { LookAheadPort } from "../sources/suggestion_look_ahead.ts";
import { sourceKey } from "../track.ts";

/** An extraction answers well within this; a lost answer must not hold the person's one look-up for long. */
const LOOK_AHEAD_TIMEOUT_MS = 60_000;

/** Looks videos up ahead in the transcoder, skipping those whose audio the cache holds for `target`. */
export function transcoderLookAhead(
  transcoder: WorkerClient<TranscoderRequest, TranscoderAnswer>,
  cache: Pick<AudioCache, "has">,
  target: LoudnessTarget,
): LookAheadPort {
  return {
    async lookAhead(videoId, signal) {
      const answer = await transcoder.request(
        { kind: "lookAhead", source: { kind: "youtube", videoId } },
        { timeoutMs: LOOK_AHEAD_TIMEOUT_MS, signal },
      );
      return answer.outcome === "lookedAhead" && answer.found;
    },
    isCached: (videoId) => cache.has(cacheKeyFor(sourceKey({ kind: "youtube", videoId }), target)),
  };
}
