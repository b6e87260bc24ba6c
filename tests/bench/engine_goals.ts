/**
 * The engine's goals in one section: cached first audio, the hand-over gap, a skip during preparation and
 * memory across many track starts, each beside its goal and beside the same-run baseline of play-time
 * transcoding (ffmpeg → PCM → Opus per stream, no normalization), whose every start, hand-over and skip
 * costs its first audio.
 */
import type { Report } from "./report.ts";
import type { SkipDuringPreparation } from "./skip_latency.ts";
import { maximum, median } from "./stats.ts";
import type { TrackStarts } from "./track_starts.ts";

const GOAL_CACHED_MS = 50;
const GOAL_HANDOVER_MEDIAN_MS = 40;
const GOAL_SKIP_MS = 1500;
const GOAL_GROWTH_MB = 5;
/** Starts left out of the memory line, while the first plays warm up code and pools. */
const WARM_UP_STARTS = 5;

/** Everything the section prints. */
export interface EngineGoals {
  readonly cachedFirstAudioMs: readonly number[];
  readonly handoverGapsMs: readonly number[];
  readonly skip: SkipDuringPreparation;
  readonly trackStarts: TrackStarts;
  /** Median first audio of play-time transcoding in the same run, and the track length it was measured on. */
  readonly baselineFirstAudioMs: number;
  readonly baselineSeconds: number;
}

/** Section 8. */
export function reportEngineGoals(report: Report, goals: EngineGoals): void {
  const base = goals.baselineFirstAudioMs;
  const versus = (ms: number) =>
    Number.isFinite(base)
      ? `baseline ${base.toFixed(0)} ms, ratio ${(ms / base).toFixed(2)}×`
      : "baseline n/a";
  report.section(
    "8. Engine goals; baseline: play-time transcoding's first audio " +
      `(${goals.baselineSeconds} s track, section 6), which a typical bot pays at every start and skip`,
  );
  // The replays of a link played long enough to be cached; section 1's "cached repeats" follow plays
  // stopped at their first packet, which may have ended the transcode before the file was complete.
  const cached = median(goals.trackStarts.firstAudioMs);
  const count = goals.trackStarts.firstAudioMs.length;
  report.add({
    label: `cached first audio, median of ${count} replays`,
    value: cached,
    unit: "ms",
    digits: 0,
    target: `≤ ${GOAL_CACHED_MS} ms; ${versus(cached)}`,
  });
  report.add({
    label: "  slowest of them",
    value: maximum(goals.trackStarts.firstAudioMs),
    unit: "ms",
    digits: 0,
  });
  const repeat = median(goals.cachedFirstAudioMs);
  report.add({
    label: "repeat of a link stopped at its first packet (section 1)",
    value: repeat,
    unit: "ms",
    digits: 0,
  });
  if (repeat > GOAL_CACHED_MS) {
    report.note(
      "a link stopped at its first packet is not cached yet: stopping ends its transcode, so the repeat " +
        "transcodes again (compare section 6's streaming first audio).",
    );
  }
  const gap = median(goals.handoverGapsMs);
  report.add({
    label: `hand-over gap, median of ${goals.handoverGapsMs.length}`,
    value: gap,
    unit: "ms",
    target: `≤ ${GOAL_HANDOVER_MEDIAN_MS} ms; ${versus(gap)}`,
  });
  const skipNote = goals.skip.longHadStarted ? " (long track had already started!)" : "";
  report.add({
    label: `/skip during preparation to next track's audio${skipNote}`,
    value: goals.skip.ms,
    unit: "ms",
    digits: 0,
    target: `≤ ${GOAL_SKIP_MS} ms; ${versus(goals.skip.ms)}`,
  });
  const residents = goals.trackStarts.residentMb;
  report.add({ label: "resident memory after start 1", value: residents[0], unit: "MiB" });
  report.add({ label: `resident memory after start ${count}`, value: residents.at(-1), unit: "MiB" });
  report.add({
    label: `growth, start 1 to ${count}`,
    value: (residents.at(-1) ?? NaN) - residents[0],
    unit: "MiB",
    target: `flat within ${GOAL_GROWTH_MB} MiB (was 22 MiB after 14 starts)`,
  });
  const settled = residents.slice(WARM_UP_STARTS - 1);
  report.add({
    label: `growth, start ${WARM_UP_STARTS} to ${count}`,
    value: (settled.at(-1) ?? NaN) - settled[0],
    unit: "MiB",
    target: `flat within ${GOAL_GROWTH_MB} MiB`,
  });
  if (gap > GOAL_HANDOVER_MEDIAN_MS) {
    report.note(
      `the hand-over gap misses ${GOAL_HANDOVER_MEDIAN_MS} ms: it is one 20 ms frame plus ` +
        `${(gap - 20).toFixed(0)} ms between the last packet of a track and the first of the next, ` +
        "likely the switch from one audio resource to the next on @discordjs/voice's 20 ms timer.",
    );
  }
  const growth = (residents.at(-1) ?? NaN) - residents[0];
  if (growth > GOAL_GROWTH_MB) {
    report.note(`memory grows ${growth.toFixed(1)} MiB over ${count} starts: a leak per track start.`);
  }
}
