/** Reads back what the fake voice server received: packets as an Ogg Opus file, and its loudness. */
import { join } from "node:path";
import type { FakeVoiceServer, ReceivedPacket } from "../fakes/fake_voice_server.ts";
import { oggOpusFile } from "../fakes/ogg_opus_writer.ts";
import { integratedLoudness, toneSegments } from "../fakes/audio_analysis.ts";
import { holdsFor } from "../fakes/wait_until.ts";

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

/** The longest wait between two consecutive packets: where one track hands over to the next. */
export function longestGapMs(packets: ReceivedPacket[]): number {
  let longest = 0;
  for (let i = 1; i < packets.length; i++) {
    longest = Math.max(longest, packets[i].arrivalMs - packets[i - 1].arrivalMs);
  }
  return longest;
}

/** Audio packets that arrived in [fromMs, toMs) (ms since the epoch). */
export function audioBetween(voice: FakeVoiceServer, fromMs: number, toMs: number): ReceivedPacket[] {
  return voice.audioPackets().filter((packet) => packet.receivedAt >= fromMs && packet.receivedAt < toMs);
}

/**
 * Watches the next `windowMs` and fails as soon as an audio packet arrives in it, naming `what` (the
 * situation in which the channel should stay silent) and the window.
 */
export async function noAudioFor(voice: FakeVoiceServer, windowMs: number, what: string): Promise<void> {
  const before = voice.audioPackets().length;
  await holdsFor(windowMs, () => {
    const arrived = voice.audioPackets().length - before;
    return arrived > 0 ? `${arrived} audio packets arrived` : undefined;
  }, `no audio ${what}`);
}

/** Options for `waitForTone`. */
export interface WaitForToneOptions {
  /** Tones the test plays: each slice of audio is named after the strongest of these. */
  readonly candidatesHz: readonly number[];
  /** Where the analysed audio is written. */
  readonly dir: string;
  /** Only a hang bound: the tone is normally heard long before. */
  readonly timeoutMs?: number;
}

/** What `waitForTone` found: when the tone's first packet arrived, and its index among audio packets. */
export interface HeardTone {
  readonly receivedAt: number;
  readonly index: number;
}

// Slices of 5 packets (0.1 s); a tone counts once two slices in a row carry it, so a blip at a hand-over
// does not. Each round decodes only the new packets and one slice before them, whose result is dropped: a
// decoder starting mid-stream needs a moment to settle.
const PACKETS_PER_SLICE = 5;
const SLICES_PER_TONE = 2;

/**
 * Waits until `hz` is heard in audio that arrived at or after `sinceMs` (ms since the epoch), analysing new
 * packets as they come, and returns where its first packet is.
 */
export async function waitForTone(
  voice: FakeVoiceServer,
  sinceMs: number,
  hz: number,
  { candidatesHz, dir, timeoutMs = 60_000 }: WaitForToneOptions,
): Promise<HeardTone> {
  const deadline = Date.now() + timeoutMs;
  const first = () => {
    const index = voice.audioPackets().findIndex((packet) => packet.receivedAt >= sinceMs);
    return index < 0 ? Infinity : index;
  };
  const heard: (number | null)[] = [];
  while (true) {
    const wanted = (heard.length + SLICES_PER_TONE) * PACKETS_PER_SLICE;
    try {
      await voice.waitUntil(
        () => voice.audioPackets().length - first() >= wanted,
        Math.max(0, deadline - Date.now()),
        `${hz} Hz`,
      );
    } catch {
      throw new Error(
        `No ${hz} Hz tone within ${timeoutMs} ms after ${new Date(sinceMs).toISOString()}; ` +
          `heard ${describe(heard)}`,
      );
    }
    const start = first();
    const packets = voice.audioPackets().slice(start);
    const settle = heard.length > 0 ? 1 : 0;
    const from = (heard.length - settle) * PACKETS_PER_SLICE;
    const slices = Math.floor((packets.length - from) / PACKETS_PER_SLICE);
    const window = packets.slice(from, from + slices * PACKETS_PER_SLICE);
    const path = join(dir, `heard-${crypto.randomUUID()}.ogg`);
    await Deno.writeFile(path, oggOpusFile(window.map((packet) => packet.opus)));
    const segments = await toneSegments(path, { segmentSeconds: PACKETS_PER_SLICE * 0.02, candidatesHz });
    await Deno.remove(path);
    heard.push(...segments.slice(settle, slices).map((segment) => segment.frequencyHz));
    const slice = heard.findIndex((_, i) =>
      heard.slice(i, i + SLICES_PER_TONE).filter((tone) => tone === hz).length === SLICES_PER_TONE
    );
    if (slice >= 0) {
      const index = start + slice * PACKETS_PER_SLICE;
      return { receivedAt: voice.audioPackets()[index].receivedAt, index };
    }
  }
}

function describe(heard: readonly (number | null)[]): string {
  const runs: string[] = [];
  for (const tone of heard) {
    const name = tone === null ? "silence" : `${tone} Hz`;
    if (runs.at(-1) !== name) runs.push(name);
  }
  return runs.length ? runs.join(", then ") : "nothing";
}

/** How many Speaking messages (op 5) the bot has sent so far, on every voice connection. */
export function speakingCount(voice: FakeVoiceServer): number {
  return voice.sockets.reduce((sum, socket) => sum + socket.speaking.length, 0);
}

/**
 * Waits until the bot says it stopped speaking (op 5 with no flags) in a message after the first `after`:
 * its player sends that once its audio has stopped (paused, or nothing left to play), and also at each
 * hand-over from one track to the next, so it does not by itself mean the queue has run dry. Returns when.
 */
export async function waitForSpeakingEnd(
  voice: FakeVoiceServer,
  after: number,
  timeoutMs = 10_000,
): Promise<number> {
  await voice.waitUntil(
    () =>
      voice.sockets.flatMap((socket) => socket.speaking).slice(after).some((payload) =>
        payload.speaking === 0
      ),
    timeoutMs,
    "the bot to stop speaking",
  );
  return Date.now();
}
