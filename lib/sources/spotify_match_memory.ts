/** Which YouTube video a Spotify track was matched to, kept so the next request skips the search. */
export interface SpotifyMatchMemory {
  get(trackId: string): Promise<string | undefined>;
  set(trackId: string, videoId: string): Promise<void>;
  /** For a remembered video that has gone away. */
  delete(trackId: string): Promise<void>;
}

const PREFIX = ["spotify_match"] as const;

/** Keeps matches in the given Deno KV store. */
export function createSpotifyMatchMemory(kv: Deno.Kv): SpotifyMatchMemory {
  return {
    async get(trackId) {
      const entry = await kv.get<{ videoId: string }>([...PREFIX, trackId]);
      return typeof entry.value?.videoId === "string" ? entry.value.videoId : undefined;
    },
    async set(trackId, videoId) {
      await kv.set([...PREFIX, trackId], { videoId, matchedAt: Date.now() });
    },
    async delete(trackId) {
      await kv.delete([...PREFIX, trackId]);
    },
  };
}
