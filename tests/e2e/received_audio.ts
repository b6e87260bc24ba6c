/** Reads back what the fake voice server received: packets as an Ogg Opus file, and its loudness. */
import { join } from "node:path";
import type { FakeVoiceServer, ReceivedPacket } from "../fakes/fake_voice_server.ts";
import { oggOpusFile } from "../fakes/ogg_opus_writer.ts";
import { integratedLoudness } from "../fakes/audio_analysis.ts";

/** Packets a track lasts: 50 per second of audio (20 ms frames). */
export function packetsFor(seconds: number): number {
  return Math.round(seconds * 50);
}

/** Waits until `count` audio packets arrived after packet index `from`, then returns them. */
export async function audioAfter(
  voice: FakeVoiceServer,
  from: number,
  count: number,
  timeoutMs = 60_000,
): Promise<ReceivedPacket[]> {
  await voice.waitUntil(
    () => voice.audioPackets().length >= from + count,
    timeoutMs,
    `${count} audio packets`,
  );
  return voice.audioPackets().slice(from, from + count);
}

/** Muxes packets into an Ogg Opus file in `dir` and measures its integrated loudness (LUFS). */
export async function loudnessOf(packets: ReceivedPacket[], dir: string, name: string): Promise<number> {
  const path = join(dir, `${name}.ogg`);
  await Deno.writeFile(path, oggOpusFile(packets.map((packet) => packet.opus)));
  return await integratedLoudness(path);
}
