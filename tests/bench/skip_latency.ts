/**
 * A skip while a long never-played track is still being prepared: the time from /skip to the first audio
 * of the next track, which is cached (so prefetched) and must not wait for the abandoned preparation.
 */
import type { TestWorld } from "../e2e/test_world.ts";
import { isSilenceFrame } from "../fakes/voice_rtp.ts";
import { enqueue, stopAndWaitForQuiet } from "./listener.ts";

const AUDIO_TIMEOUT_MS = 60_000;

/** The skip's outcome. */
export interface SkipDuringPreparation {
  /** /skip to the next track's first audio packet. */
  readonly ms: number;
  /** Whether the long track had already started when /skip was sent (then the number is no such skip). */
  readonly longHadStarted: boolean;
  /** The bot's answer to /skip. */
  readonly answer: string;
}

/** Queues `longUrl` (never played) then `nextUrl` (cached), and skips the first while it is prepared. */
export async function measureSkipDuringPreparation(
  world: TestWorld,
  longUrl: string,
  nextUrl: string,
): Promise<SkipDuringPreparation> {
  const packets = world.voice.packets;
  const from = packets.length;
  await enqueue(world, longUrl);
  await enqueue(world, nextUrl);
  const longHadStarted = packets.slice(from).some((packet) => !isSilenceFrame(packet.opus));
  let scanned = packets.length;
  const sentAt = performance.now();
  const skip = world.discord.sendCommand({
    name: "skip",
    userId: world.alice,
    roles: [world.discord.guild.djRoleId],
  });
  let firstMs: number | undefined;
  await world.voice.waitUntil(
    () => {
      for (; scanned < packets.length && firstMs === undefined; scanned++) {
        if (!isSilenceFrame(packets[scanned].opus)) firstMs = packets[scanned].arrivalMs;
      }
      return firstMs !== undefined;
    },
    AUDIO_TIMEOUT_MS,
    "the next track's first audio after /skip",
  );
  const response = await skip.waitForResponse(AUDIO_TIMEOUT_MS);
  const data = response.data as { content?: string } | undefined;
  const later = skip.messages.items.map((message) => String(message.body.content ?? ""));
  const answer = [data?.content ?? "", ...later].join(" ").trim();
  await stopAndWaitForQuiet(world);
  return { ms: firstMs! - sentAt, longHadStarted, answer };
}
