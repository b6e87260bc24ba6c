/**
 * What DAVE costs the voice stream: packet spacing while a track plays with end-to-end encryption on (the
 * bot encrypts every frame with davey, a listener in the fake voice server decrypts it) and off (transport
 * encryption only). Each runs in a world of its own; the two alternate, twice each, in the same run, so both
 * share the machine's conditions, and each mode's intervals are pooled. Peers have stalled here: Lavalink's
 * DAVE support pauses 100–400 ms about once a second.
 */
import { TestWorld, type WorldOptions } from "../e2e/test_world.ts";
import { addTone } from "../e2e/media_library.ts";
import { playAndHear, sleep, stopAndWaitForQuiet } from "./listener.ts";
import type { Report } from "./report.ts";
import { differences, maximum, percentile } from "./stats.ts";

const TRACK_SECONDS = 45;
/** Preparation and the joining transition are over by then; they are measured elsewhere. */
const SETTLE_SECONDS = 5;
const MEASURED_SECONDS = 20;
const ROUNDS = 2;

/** What one run heard. */
interface DaveRun {
  readonly intervals: number[];
  readonly audio: number;
  /** Audio packets that arrived end-to-end encrypted and were decrypted by the listener. */
  readonly encrypted: number;
}

/** The pooled figures of one mode. */
interface DaveSpacing {
  readonly p99: number;
  readonly max: number;
  readonly intervals: number;
  readonly encryptedShare: number;
}

const OFF: WorldOptions = { daveProtocolVersion: 0, daveListener: false };
const ON: WorldOptions = { daveProtocolVersion: 1, daveListener: true };

/** Measures both modes in turn and adds the section to `report`. */
export async function reportDaveSpacing(report: Report, progress: (message: string) => void): Promise<void> {
  report.section(
    `DAVE: packet spacing, ${ROUNDS} × ${MEASURED_SECONDS} s of playback each, off and on in turn`,
  );
  const runs: { off: DaveRun[]; on: DaveRun[] } = { off: [], on: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const mode of ["off", "on"] as const) {
      progress(`packet spacing with DAVE ${mode}, round ${round} of ${ROUNDS}`);
      runs[mode].push(await measureIn(mode === "on" ? ON : OFF));
    }
  }
  const [off, on] = [pooled(runs.off), pooled(runs.on)];
  report.add({ label: "p99 spacing, DAVE off", value: off.p99, unit: "ms", target: "~20" });
  report.add({ label: "p99 spacing, DAVE on", value: on.p99, unit: "ms", target: "within 1 ms of off" });
  report.add({ label: "p99 difference (on - off)", value: on.p99 - off.p99, unit: "ms", target: "≤ 1" });
  report.add({ label: "max spacing, DAVE off", value: off.max, unit: "ms", target: "≤ 40" });
  report.add({ label: "max spacing, DAVE on", value: on.max, unit: "ms", target: "≤ 40 (no stall)" });
  report.add({ label: "intervals (off / on)", value: off.intervals, unit: `/ ${on.intervals}`, digits: 0 });
  report.add({
    label: "frames decrypted, DAVE on",
    value: 100 * on.encryptedShare,
    unit: "%",
    target: "100",
  });
  report.add({ label: "load average (1 min) after the runs", value: Deno.loadavg()[0], unit: "", digits: 2 });
}

function pooled(runs: DaveRun[]): DaveSpacing {
  const intervals = runs.flatMap((run) => run.intervals);
  const audio = runs.reduce((sum, run) => sum + run.audio, 0);
  const encrypted = runs.reduce((sum, run) => sum + run.encrypted, 0);
  return {
    p99: percentile(intervals, 0.99),
    max: maximum(intervals),
    intervals: intervals.length,
    encryptedShare: encrypted / Math.max(1, audio),
  };
}

async function measureIn(options: WorldOptions): Promise<DaveRun> {
  const world = await TestWorld.start(options);
  try {
    const url = await addTone(world, "dave-bench.mp3", 440, TRACK_SECONDS);
    await world.startBot({ TRAZOM_IDLE_TIMEOUT: "3600" });
    await playAndHear(world, url);
    await sleep(SETTLE_SECONDS * 1000);
    const start = performance.now();
    await sleep(MEASURED_SECONDS * 1000);
    const end = performance.now();
    await stopAndWaitForQuiet(world);
    const packets = world.voice.packets.filter((packet) =>
      packet.arrivalMs >= start && packet.arrivalMs < end
    );
    const audio = packets.filter((packet) => packet.opus.length > 3);
    return {
      intervals: differences(packets.map((packet) => packet.arrivalMs)),
      audio: audio.length,
      encrypted: audio.filter((packet) => packet.e2ee === "encrypted").length,
    };
  } finally {
    await world.close();
  }
}
