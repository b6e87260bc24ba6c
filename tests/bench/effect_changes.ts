/**
 * Section "effects": what a listener hears when a filter changes. A 440 Hz tone plays; /filter add
 * nightcore (heard at 550 Hz) and /filter clear alternate. For each change, the received packets around it
 * are decoded 20 ms at a time to find the seam:
 * - time from /filter to the changed sound: from sending the command to the first packet at the new pitch;
 * - audio continuity: frames between the last packet at the old pitch and the first at the new one
 *   (0 is contiguous; a silent or garbled frame counts);
 * - send jitter: the longest arrival gap within 10 packets of the seam, beside the longest in a stretch of
 *   steady playback just before (this machine's own jitter).
 * And the CPU an ffmpeg render costs per stream-minute, measured directly on one stream.
 */
import { join } from "node:path";
import { TestWorld } from "../e2e/test_world.ts";
import { addTone } from "../e2e/media_library.ts";
import { audioAfter, packetsFor, waitForTone } from "../e2e/received_audio.ts";
import { answerText } from "../e2e/bot_answers.ts";
import { oggOpusFile } from "../fakes/ogg_opus_writer.ts";
import { toneSegments } from "../fakes/audio_analysis.ts";
import { generateTone } from "../fakes/test_tones.ts";
import { renderArgs } from "../../lib/audio/render_job.ts";
import type { Report } from "./report.ts";
import { stopAndWaitForQuiet } from "./listener.ts";
import { maximum, median } from "./stats.ts";

const PLAIN_HZ = 440;
const NIGHTCORE = 1.25;
const NIGHTCORE_HZ = PLAIN_HZ * NIGHTCORE;
const CHANGES = 8;
const TARGET = { integrated: -16, truePeak: -1.5, range: 11 };

/** One filter change as heard. */
export interface EffectChange {
  /** To a rendered source (nightcore on), or back to the pre-encoded file (filters off). */
  kind: "render" | "plain";
  toChangedMs: number;
  continuityFrames: number;
  seamGapMs: number;
  baselineGapMs: number;
}

export interface EffectsResult {
  changes: EffectChange[];
  /** Track to track, in the same endless stream: the seam of each hand-over. */
  handovers: Omit<EffectChange, "kind" | "toChangedMs">[];
  /** The same under nightcore, each next track a render (made ahead once its file was finished). */
  filteredHandovers: Omit<EffectChange, "kind" | "toChangedMs">[];
  renderCpuSecondsPerMinute: number;
  renderWallSecondsPerMinute: number;
}

type Progress = (text: string) => void;

/** Plays a tone in a world of its own and changes its filter back and forth. */
export async function measureEffectChanges(progress: Progress): Promise<EffectsResult> {
  const world = await TestWorld.start();
  try {
    const url = await addTone(world, "effects-tone.mp3", PLAIN_HZ, 180);
    await world.startBot({});
    const playedAt = Date.now();
    await answerText(world.play(url));
    await hear(world, playedAt, PLAIN_HZ);
    const changes: EffectChange[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const on = i % 2 === 0;
      progress(`effects: change ${i + 1} of ${CHANGES} (${on ? "nightcore" : "off"})`);
      // A second and a half of steady playback first, for the baseline jitter.
      await audioAfter(world.voice, world.voice.audioPackets().length, packetsFor(1.5));
      const sentAt = Date.now();
      await setNightcore(world, on);
      const heard = await hear(world, sentAt, on ? NIGHTCORE_HZ : PLAIN_HZ);
      const pair: [number, number] = on ? [PLAIN_HZ, NIGHTCORE_HZ] : [NIGHTCORE_HZ, PLAIN_HZ];
      const seam = await seamOf(world, sentAt, heard.index, pair);
      changes.push({ kind: on ? "render" : "plain", ...seam });
    }
    progress("effects: hand-overs between prepared tracks");
    const handovers = await measureHandovers(world, false);
    progress("effects: hand-overs between prepared tracks under nightcore");
    const filteredHandovers = await measureHandovers(world, true);
    progress("effects: render CPU per stream-minute");
    return { changes, handovers, filteredHandovers, ...await renderCost(world.dataDir) };
  } finally {
    await world.close();
  }
}

const HANDOVER_TONES = [300, 500, 700, 900];

/**
 * Stops the tone, queues four short tracks of other tones (never played) back to back, and finds each seam
 * between them; `nightcore`: with the filter on from before they are queued, each heard 1.25 times higher.
 */
async function measureHandovers(world: TestWorld, nightcore: boolean) {
  const name = nightcore ? "handover-nightcore" : "handover";
  const urls = await Promise.all(
    HANDOVER_TONES.map((hz, i) => addTone(world, `${name}-${i}.mp3`, hz, 6)),
  );
  await stopAndWaitForQuiet(world);
  if (nightcore) await setNightcore(world, true);
  const tones = HANDOVER_TONES.map((hz) => nightcore ? hz * NIGHTCORE : hz);
  const startedAt = Date.now();
  for (const url of urls) await answerText(world.play(url));
  let heardAt = startedAt;
  const seams = [];
  for (let i = 0; i < tones.length; i++) {
    const heard = await waitForTone(world.voice, heardAt, tones[i], {
      candidatesHz: tones,
      dir: world.dataDir,
    });
    heardAt = heard.receivedAt;
    if (i === 0) continue;
    const { toChangedMs: _, ...seam } = await seamOf(world, heardAt, heard.index, [tones[i - 1], tones[i]]);
    seams.push(seam);
  }
  if (nightcore) await setNightcore(world, false);
  return seams;
}

function setNightcore(world: TestWorld, on: boolean) {
  const options = on ? [{ name: "preset", type: 3, value: "nightcore" }] : [];
  return answerText(world.discord.sendCommand({
    name: "filter",
    userId: world.alice,
    options: [{ name: on ? "add" : "clear", type: 1, options }],
  }));
}

function hear(world: TestWorld, sinceMs: number, hz: number) {
  return waitForTone(world.voice, sinceMs, hz, {
    candidatesHz: [PLAIN_HZ, NIGHTCORE_HZ],
    dir: world.dataDir,
  });
}

/** Finds the seam packet by packet around where the new pitch was first heard (in 100 ms slices). */
async function seamOf(
  world: TestWorld,
  sentAt: number,
  heardAudioIndex: number,
  [oldHz, newHz]: [number, number],
) {
  // Every packet sent, silent frames included: a silent frame at the seam must count.
  const all = world.voice.packets;
  const heardIndex = all.indexOf(world.voice.audioPackets()[heardAudioIndex]);
  const from = Math.max(0, heardIndex - 40);
  await world.voice.waitUntil(() => all.length >= heardIndex + 20, 10_000, "audio");
  const packets = all.slice(from, heardIndex + 20);
  const path = join(world.dataDir, `seam-${crypto.randomUUID()}.ogg`);
  await Deno.writeFile(path, oggOpusFile(packets.map((packet) => packet.opus)));
  const tones = (await toneSegments(path, { segmentSeconds: 0.02, candidatesHz: [oldHz, newHz] }))
    .map((segment) => segment.frequencyHz);
  await Deno.remove(path);
  // The first packet of a run of three at the new pitch; the last at the old pitch before it.
  let seam = tones.findIndex((_, i) => tones.slice(i, i + 3).every((tone) => tone === newHz));
  if (seam < 0) seam = heardIndex - from;
  let lastOld = seam - 1;
  while (lastOld >= 0 && tones[lastOld] !== oldHz) lastOld--;
  const arrivals = all.map((packet) => packet.arrivalMs);
  const at = from + seam;
  return {
    toChangedMs: all[at].receivedAt - sentAt,
    continuityFrames: lastOld < 0 ? 0 : seam - lastOld - 1,
    seamGapMs: longestGap(arrivals.slice(at - 10, at + 10)),
    baselineGapMs: longestGap(arrivals.slice(Math.max(0, at - 70), at - 20)),
  };
}

function longestGap(arrivals: number[]): number {
  let longest = 0;
  for (let i = 1; i < arrivals.length; i++) longest = Math.max(longest, arrivals[i] - arrivals[i - 1]);
  return longest;
}

/** CPU and wall seconds of one nightcore render of a 120 s normalized file, per minute of audio. */
async function renderCost(dir: string) {
  const input = join(dir, "render-input.ogg");
  await generateTone({
    path: join(dir, "render-input.wav"),
    frequencyHz: PLAIN_HZ,
    seconds: 120,
    volumeDb: -12,
  });
  const encode = new Deno.Command("ffmpeg", {
    args: [
      "-v",
      "error",
      "-y",
      "-i",
      join(dir, "render-input.wav"),
      "-c:a",
      "libopus",
      "-b:a",
      "128k",
      input,
    ],
  });
  await encode.output();
  const args = renderArgs(
    { volume: 100, filters: { nightcore: true } },
    TARGET,
    join(dir, "render-output.ogg"),
  );
  const quoted = args.map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(" ");
  const started = performance.now();
  // bash's `times` gives the CPU its children used: ffmpeg's user and system seconds.
  const shell = new Deno.Command("bash", {
    args: ["-c", `ffmpeg ${quoted} < '${input}' && times`],
    stdout: "piped",
    stderr: "piped",
  });
  const output = await shell.output();
  const wallSeconds = (performance.now() - started) / 1000;
  const lines = new TextDecoder().decode(output.stdout).trim().split("\n");
  const children = lines.at(-1)?.split(/\s+/).map(toSeconds) ?? [0, 0];
  const minutes = 120 / 60 / 1.25;
  return {
    renderCpuSecondsPerMinute: (children[0] + children[1]) / minutes,
    renderWallSecondsPerMinute: wallSeconds / minutes,
  };
}

/** "0m1.234s" in seconds. */
function toSeconds(text: string): number {
  const match = /(\d+)m([\d.]+)s/.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : 0;
}

/** Prints the section with its goals. */
export function reportEffects(report: Report, result: EffectsResult): void {
  const { changes } = result;
  report.section(`11. Effects: /filter nightcore on and off, ${changes.length} changes on a playing track`);
  for (const kind of ["render", "plain"] as const) {
    const ofKind = changes.filter((change) => change.kind === kind);
    const times = ofKind.map((change) => change.toChangedMs);
    const gaps = ofKind.map((change) => change.seamGapMs);
    const what = kind === "render" ? "nightcore on (ffmpeg render)" : "filters off (pre-encoded file)";
    report.add({
      label: `${what}: /filter to the changed sound, median`,
      value: median(times),
      unit: "ms",
      digits: 0,
      target: "≤ 300 ms",
    });
    report.add({ label: `  slowest of ${times.length}`, value: maximum(times), unit: "ms", digits: 0 });
    if (kind === "render") {
      // Later renders under the same filters reuse the correction measured then.
      report.add({
        label: "  the first, which measures the filters' loudness on the song first",
        value: times[0],
        unit: "ms",
        digits: 0,
        target: "≤ 300 ms",
      });
    }
    report.add({
      label: `  send jitter: longest gap within 10 packets of the seam, median`,
      value: median(gaps),
      unit: "ms",
      digits: 1,
      target: "≤ 40 ms (one extra frame); no gap over 60 ms",
    });
    report.add({ label: `  same, worst`, value: maximum(gaps), unit: "ms", digits: 1 });
  }
  report.add({
    label: "audio continuity: frames between old and new, worst",
    value: maximum(changes.map((change) => change.continuityFrames)),
    unit: "frames",
    digits: 0,
    target: "0 (at most 1 lost or repeated)",
  });
  report.add({
    label: "baseline: longest gap in steady playback before a change, worst",
    value: maximum(changes.map((change) => change.baselineGapMs)),
    unit: "ms",
    digits: 1,
    target: "this machine's own jitter",
  });
  const { handovers } = result;
  report.add({
    label: `next track (${handovers.length} hand-overs): frames between tracks, worst`,
    value: maximum(handovers.map((seam) => seam.continuityFrames)),
    unit: "frames",
    digits: 0,
    target: "0; before the endless stream: one resource switch",
  });
  report.add({
    label: "next track: longest gap within 10 packets of the seam, worst",
    value: maximum(handovers.map((seam) => seam.seamGapMs)),
    unit: "ms",
    digits: 1,
    target: "≤ 40 ms; 42.7 ms with a resource switch (earlier bench)",
  });
  report.add({
    label: "next track: baseline gap before each seam, worst",
    value: maximum(handovers.map((seam) => seam.baselineGapMs)),
    unit: "ms",
    digits: 1,
  });
  const filtered = result.filteredHandovers;
  report.add({
    label:
      `next track under nightcore (${filtered.length} hand-overs, rendered ahead): frames between, worst`,
    value: maximum(filtered.map((seam) => seam.continuityFrames)),
    unit: "frames",
    digits: 0,
    target: "0",
  });
  report.add({
    label: "  longest gap within 10 packets of the seam, worst",
    value: maximum(filtered.map((seam) => seam.seamGapMs)),
    unit: "ms",
    digits: 1,
    target: "≤ 40 ms; 60-190 ms when the render starts at the hand-over (earlier bench)",
  });
  report.add({
    label: "  baseline gap before each seam, worst",
    value: maximum(filtered.map((seam) => seam.baselineGapMs)),
    unit: "ms",
    digits: 1,
  });
  report.add({
    label: "ffmpeg render CPU per filtered stream-minute (one stream, direct)",
    value: result.renderCpuSecondsPerMinute,
    unit: "CPU-s/min",
    digits: 2,
    target: "only filtered streams pay it (10 guilds: next section)",
  });
  report.add({
    label: "render wall time per stream-minute (runs ahead of play)",
    value: result.renderWallSecondsPerMinute,
    unit: "s/min",
    digits: 2,
    target: "far under 60 s/min",
  });
}
