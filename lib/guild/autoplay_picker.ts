/**
 * Autoplay: when the queue runs dry, the next track comes from YouTube Music's radio for what this guild
 * played last, skipping anything played recently, so the music goes on in the same vein.
 */
import { sourceKey, type TrackInfo } from "../track.ts";

/** How many recent plays seed the radio (newest first), and how many count as "played recently". */
export const AUTOPLAY_SEEDS = 3;
export const RECENT_PLAYS = 50;

/** The first radio pick, seeded by the newest YouTube plays, that was not played recently nor left out. */
export async function pickAutoplayTrack(
  recent: readonly TrackInfo[],
  radio: (videoId: string) => Promise<TrackInfo[]>,
  leftOut: ReadonlySet<string> = new Set(),
): Promise<TrackInfo | undefined> {
  const played = new Set([
    ...leftOut,
    ...recent.slice(0, RECENT_PLAYS).map((track) => sourceKey(track.source)),
  ]);
  const seeds = recent.flatMap((track) => track.source.kind === "youtube" ? [track.source.videoId] : []);
  for (const videoId of [...new Set(seeds)].slice(0, AUTOPLAY_SEEDS)) {
    const pick = (await radio(videoId)).find((candidate) => !played.has(sourceKey(candidate.source)));
    if (pick) return pick;
  }
  return undefined;
}
