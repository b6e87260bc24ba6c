/**
 * The pause a listener hears when one prepared track hands over to the next: the arrival gap between the
 * last packet of a track and the first of the following one (20 ms is seamless).
 */
import type { TestWorld } from "../e2e/test_world.ts";
import { packetsFor } from "../e2e/received_audio.ts";
import { audioSince, enqueue, waitForQuiet } from "./listener.ts";
import { differences, maximum } from "./stats.ts";

// A track change is looked for this many packets either side of where it should be, since encoder
// padding can add a frame per track.
const SEARCH_PACKETS = 25;

/** Queues every link (each `seconds` long), lets them all play, and returns the gap at each change in ms. */
export async function measureHandoverGaps(
  world: TestWorld,
  urls: readonly string[],
  seconds: number,
): Promise<number[]> {
  const from = world.voice.packets.length;
  for (const url of urls) await enqueue(world, url);
  const perTrack = packetsFor(seconds);
  const expected = urls.length * perTrack - SEARCH_PACKETS;
  const timeoutMs = urls.length * seconds * 1000 + 120_000;
  await world.voice.waitUntil(() => world.voice.packets.length >= from + expected, timeoutMs, "every track");
  await waitForQuiet(world, 1_000, 30_000);
  const arrivals = audioSince(world, from).map((packet) => packet.arrivalMs);
  return urls.slice(1).map((_, i) => {
    const boundary = (i + 1) * perTrack;
    return maximum(differences(arrivals.slice(boundary - SEARCH_PACKETS, boundary + SEARCH_PACKETS)));
  });
}
