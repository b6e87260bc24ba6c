/**
 * /volume and /filter end to end: the change is heard from where the song is, quieter by the right amount,
 * faster and higher under nightcore (song time keeps its meaning), bass boost at the target loudness, and a
 * filter change or a seek leaves no silent frame and no gap at the seam.
 */
import { worldTest } from "./with_world.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { answerText, firstResponse } from "./bot_answers.ts";
import type { TestWorld } from "./test_world.ts";
import { addToneSteps } from "./media_library.ts";
import {
  audioAfter,
  audioBetween,
  longestGapMs,
  loudnessOf,
  packetsFor,
  waitForTone,
} from "./received_audio.ts";
import { runFfmpeg } from "../fakes/audio_analysis.ts";
import type { ReceivedPacket } from "../fakes/fake_voice_server.ts";
import { isSilenceFrame } from "../fakes/voice_rtp.ts";

const TARGET_LUFS = -16;
const NIGHTCORE = 1.25;
/** The song: 440 Hz for its first 12 s, then 660 Hz; under nightcore they are heard at 550 and 825 Hz. */
const TONES = [440, 660, 550, 825];

type Option = { name: string; type: number; value?: string | number; options?: Option[] };

function command(world: TestWorld, name: string, options: Option[] = []) {
  return world.discord.sendCommand({ name, userId: world.alice, options });
}

function filter(world: TestWorld, action: string, options: Option[] = []) {
  return command(world, "filter", [{ name: action, type: 1, options }]);
}

function heard(world: TestWorld, sinceMs: number, hz: number, candidatesHz = TONES) {
  return waitForTone(world.voice, sinceMs, hz, { candidatesHz, dir: world.dataDir });
}

/** Waits until audio has arrived up to `untilMs`, then gives what arrived in [fromMs, untilMs). */
async function audioIn(world: TestWorld, fromMs: number, untilMs: number): Promise<ReceivedPacket[]> {
  await world.voice.waitUntil(
    () => (world.voice.audioPackets().at(-1)?.receivedAt ?? 0) >= untilMs,
    untilMs - Date.now() + 10_000,
    "audio up to the end of the window",
  );
  return audioBetween(world.voice, fromMs, untilMs);
}

/**
 * The seam around `atMs`: silent frames and frames missing in the 1.5 s around it, and its longest wait
 * between packets beside the longest in the 1.5 s before (this machine's own jitter, which a shared
 * machine makes far larger than the player's): a seam may add at most one frame to it.
 */
async function seamAround(world: TestWorld, atMs: number) {
  const packets = await audioIn(world, atMs - 500, atMs + 1_000);
  const baseline = audioBetween(world.voice, atMs - 2_000, atMs - 500);
  // Silent frames are left out of audioPackets(): count them among everything sent.
  const silent =
    world.voice.packets.filter((packet) =>
      packet.receivedAt >= atMs - 500 && packet.receivedAt < atMs + 1_000 && isSilenceFrame(packet.opus)
    ).length;
  // Consecutive RTP sequence numbers: a frame never sent shows as a jump.
  const missing = packets.slice(1).reduce(
    (sum, packet, i) => sum + ((packet.sequence - packets[i].sequence + 65_536) % 65_536) - 1,
    0,
  );
  const seam = {
    silent,
    missing,
    longestGapMs: Math.round(longestGapMs(packets)),
    baselineGapMs: Math.round(longestGapMs(baseline)),
  };
  console.log(`seam: ${JSON.stringify(seam)}`);
  return seam;
}

/**
 * What a listener hears at a seam: no silent frame and no frame left out. How evenly the frames were sent
 * there is timing, printed above and reported against its goal by the bench (section 11): with a core kept
 * busy one scheduler hiccup at the seam passes 60 ms as easily as one before it.
 */
function assertSeamless(seam: Awaited<ReturnType<typeof seamAround>>, what: string) {
  assert.equal(seam.silent, 0, `no silent frame around ${what}`);
  assert.equal(seam.missing, 0, `no frame missing around ${what}`);
}

/** Where /nowplaying says the track is, in seconds. */
async function position(world: TestWorld): Promise<number> {
  const text = JSON.stringify(await firstResponse(command(world, "nowplaying")));
  const match = /(\d+):(\d\d) \//.exec(text);
  assert.ok(match, `no position in ${text}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

worldTest(
  "volume and filters are heard at once from the same place in the song, with no silent frame at the seam",
  async (world, t) => {
    const url = await addToneSteps(world, "steps.wav", [[440, 12], [660, 30]]);
    await world.startBot({ TRAZOM_LOUDNESS: String(TARGET_LUFS) });
    const playedAt = Date.now();
    await answerText(world.play(url));
    const first = await heard(world, playedAt, 440);

    await t.step("/volume 50 is heard 6 dB quieter within 300 ms", async () => {
      // A second of the tone at full volume, then the change.
      const before = await audioAfter(world.voice, first.index, packetsFor(1));
      const sentAt = Date.now();
      assert.match(
        await answerText(command(world, "volume", [{ name: "percent", type: 4, value: 50 }])),
        /50 %/,
      );
      const after = await audioIn(world, sentAt + 300, sentAt + 1_300);
      const louder = await loudnessOf(before, world.dataDir, "volume-100");
      const quieter = await loudnessOf(after, world.dataDir, "volume-50");
      console.log(`volume 50 %: ${louder.toFixed(2)} → ${quieter.toFixed(2)} LUFS`);
      assert.ok(Math.abs(quieter - louder + 6.02) <= 1, `${(quieter - louder).toFixed(2)} dB, not -6`);
      assertSeamless(await seamAround(world, sentAt + 150), "the volume change");
      await answerText(command(world, "volume", [{ name: "percent", type: 4, value: 100 }]));
    });

    await t.step("/filter nightcore is heard faster and higher from the same place in the song", async () => {
      const songSeconds = await position(world);
      assert.ok(songSeconds < 10, `still in the first tone (${songSeconds} s)`);
      const sentAt = Date.now();
      assert.match(
        await answerText(filter(world, "add", [{ name: "preset", type: 3, value: "nightcore" }])),
        /nightcore/,
      );
      const higher = await heard(world, sentAt, 550);
      console.log(`nightcore heard ${higher.receivedAt - sentAt} ms after /filter was sent`);
      assert.ok(higher.receivedAt - sentAt < 1_500, "the filter is heard at once");
      assertSeamless(await seamAround(world, sentAt + 150), "the filter change");
      // The step to the second tone comes at 12 s of the song: 1.25 times sooner than at normal speed.
      const step = await heard(world, sentAt, 825);
      const expectedMs = ((12 - songSeconds) / NIGHTCORE) * 1_000;
      const tookMs = step.receivedAt - sentAt;
      console.log(`song step heard after ${tookMs} ms; ${expectedMs.toFixed(0)} ms expected at 1.25×`);
      assert.ok(Math.abs(tookMs - expectedMs) < 1_200, "song time runs 1.25 times as fast");
      const shown = await position(world);
      const songNow = 12 + ((Date.now() - step.receivedAt) / 1_000) * NIGHTCORE;
      assert.ok(Math.abs(shown - songNow) <= 1.5, `/nowplaying says ${shown} s, the song is at ${songNow} s`);
    });

    await t.step("a seek with a filter on leaves no silent frame at the seam", async () => {
      const sentAt = Date.now();
      assert.match(
        await answerText(command(world, "seek", [{ name: "time", type: 3, value: "0:02" }])),
        /Jumped/,
      );
      await heard(world, sentAt, 550);
      assertSeamless(await seamAround(world, sentAt + 150), "the seek");
    });

    await t.step("/filter clear brings the song back to its own pitch", async () => {
      const sentAt = Date.now();
      assert.match(await answerText(filter(world, "clear")), /Filters off/);
      await heard(world, sentAt, 440);
    });

    await t.step("bad values are refused politely and change nothing", async () => {
      const text = await answerText(filter(world, "add", [{ name: "preset", type: 3, value: "speed" }]));
      assert.match(text, /Give speed an amount from 0.5 to 2/);
      const sentAt = Date.now();
      await heard(world, sentAt, 440);
    });
  },
);

/** Songs of a different balance, as the sources ffmpeg mixes them from. */
const BALANCES = {
  broadband: [
    "sine=frequency=220:duration=40:sample_rate=48000[tone]",
    "anoisesrc=color=pink:amplitude=0.3:duration=40:sample_rate=48000[noise]",
    "[tone][noise]amix=inputs=2:normalize=0,aformat=channel_layouts=stereo",
  ],
  /** Where a fixed cut for the shelf would leave it 8 LU too loud. */
  "bass-heavy": [
    "sine=frequency=55:duration=40:sample_rate=48000,volume=0.6[low]",
    "sine=frequency=110:duration=40:sample_rate=48000,volume=0.3[bass]",
    "anoisesrc=color=pink:amplitude=0.02:duration=40:sample_rate=48000[noise]",
    "[low][bass][noise]amix=inputs=3:normalize=0,aformat=channel_layouts=stereo",
  ],
};

for (const [balance, sources] of Object.entries(BALANCES)) {
  worldTest(`bass boost is heard at the target loudness on a ${balance} song`, async (world) => {
    const path = join(world.dataDir, `${balance}.wav`);
    await runFfmpeg(["-v", "error", "-y", "-filter_complex", sources.join(";"), path]);
    const url = world.media.add(`${balance}.wav`, await Deno.readFile(path));
    await world.startBot({ TRAZOM_LOUDNESS: String(TARGET_LUFS) });
    const playedAt = Date.now();
    await answerText(world.play(url));
    await audioIn(world, playedAt, playedAt + 3_000);
    const sentAt = Date.now();
    const reply = await answerText(
      filter(world, "add", [{ name: "preset", type: 3, value: "bassboost" }, {
        name: "level",
        type: 3,
        value: "high",
      }]),
    );
    assert.match(reply, /bassboost \(high\)/);
    const boosted = await audioIn(world, sentAt + 500, sentAt + 4_500);
    const lufs = await loudnessOf(boosted, world.dataDir, "boosted");
    console.log(`bass boost (high), ${balance}: ${lufs.toFixed(2)} LUFS; target ${TARGET_LUFS}`);
    assert.ok(Math.abs(lufs - TARGET_LUFS) <= 1, `bass boost arrived at ${lufs.toFixed(2)} LUFS`);
  });
}
