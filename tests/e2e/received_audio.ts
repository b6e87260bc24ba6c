/** Reads back what the fake voice server received: packets as an Ogg Opus file, and its loudness. */
import { join } from "node:path";
import type { FakeVoiceServer, ReceivedPacket } from "../fakes/fake_voice_server.ts";
import { oggOpusFile } from "../fakes/ogg_opus_writer.ts";
import { integratedLoudness, toneSegments } from "../fakes/audio_analysis.ts";

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

/** The order of tones in `packets`: each tone once per run, silence and one-slice blips left out. */
export async function toneOrder(
  packets: ReceivedPacket[],
  dir: string,
  candidatesHz: readonly number[],
): Promise<number[]> {
  const path = join(dir, `order-${crypto.randomUUID()}.ogg`);
  await Deno.writeFile(path, oggOpusFile(packets.map((packet) => packet.opus)));
  const segments = await toneSegments(path, { segmentSeconds: 0.25, candidatesHz });
  const runs: { hz: number; length: number }[] = [];
  for (const { frequencyHz } of segments) {
    if (frequencyHz === null) continue;
    const last = runs.at(-1);
    if (last?.hz === frequencyHz) last.length++;
    else runs.push({ hz: frequencyHz, length: 1 });
  }
  return runs.filter((run) => run.length > 1).map((run) => run.hz);
}

/** The dominant tone of packets that arrived between two times (ms since the epoch). */
export async function toneBetween(
  voice: FakeVoiceServer,
  fromMs: number,
  toMs: number,
  dir: string,
  candidatesHz: readonly number[],
): Promise<number | undefined> {
  const packets = voice.audioPackets().filter((packet) =>
    packet.receivedAt >= fromMs && packet.receivedAt < toMs
  );
  const order = await toneOrder(packets, dir, candidatesHz);
  return order.length === 1 ? order[0] : undefined;
}

/** The longest wait between two consecutive packets: where one track hands over to the next. */
export function longestGapMs(packets: ReceivedPacket[]): number {
  let longest = 0;
  for (let i = 1; i < packets.length; i++) {
    longest = Math.max(longest, packets[i].arrivalMs - packets[i - 1].arrivalMs);
  }
  return longest;
}

/** When (ms since the epoch) the first packet of `hz` after `sinceMs` arrived, read from the audio itself. */
export async function firstArrivalOfTone(
  voice: FakeVoiceServer,
  sinceMs: number,
  hz: number,
  dir: string,
  candidatesHz: readonly number[],
): Promise<number> {
  const packets = voice.audioPackets().filter((packet) => packet.receivedAt >= sinceMs);
  const path = join(dir, `arrival-${crypto.randomUUID()}.ogg`);
  await Deno.writeFile(path, oggOpusFile(packets.map((packet) => packet.opus)));
  const segmentSeconds = 0.1;
  const segments = await toneSegments(path, { segmentSeconds, candidatesHz });
  const index = segments.findIndex((segment) => segment.frequencyHz === hz);
  if (index < 0) throw new Error(`No ${hz} Hz tone arrived after ${new Date(sinceMs).toISOString()}`);
  return packets[Math.round((index * segmentSeconds) / 0.02)].receivedAt;
}
