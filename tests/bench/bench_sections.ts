/** The benchmark's report sections: each measurement's numbers, labelled, with their targets. */
import type { PassTimes } from "./normalization_cost.ts";
import type { PlaybackTiming, Spacing } from "./packet_timing.ts";
import type { Report } from "./report.ts";
import type { StartLatency } from "./start_latency.ts";
import { maximum, median } from "./stats.ts";

// The design's own measurements of the two passes on a 180 s track, as shares of its duration.
const DESIGN_MEASURE_SHARE = 0.02;
const DESIGN_ENCODE_SHARE = 0.009;

/** Section 1: /play to first packet. */
export function reportStartLatency(
  report: Report,
  latency: StartLatency & { firstPlayMs: number; shortSeconds: number; longSeconds: number },
): void {
  const runs = latency.uncachedMs.length;
  const designShare = DESIGN_MEASURE_SHARE + DESIGN_ENCODE_SHARE;
  const designSeconds = designShare * latency.longSeconds;
  report.section("1. Start latency: /play to the first voice packet");
  report.add({
    label: `first /play after start (joins voice; ${latency.shortSeconds} s track)`,
    value: latency.firstPlayMs,
    unit: "ms",
    digits: 0,
    target: "a few seconds at most",
  });
  report.add({
    label: `uncached ${latency.longSeconds} s track, median of ${runs}`,
    value: median(latency.uncachedMs),
    unit: "ms",
    digits: 0,
    target: `resolve + download + ≈ ${percent(designShare)} of the duration (${designSeconds.toFixed(1)} s)`,
  });
  report.add({ label: "uncached, slowest run", value: maximum(latency.uncachedMs), unit: "ms", digits: 0 });
  report.add({
    label: `cached repeat, median of ${runs}`,
    value: median(latency.cachedMs),
    unit: "ms",
    digits: 0,
    target: "stopped at first packet: see section 8",
  });
  report.add({ label: "cached, slowest run", value: maximum(latency.cachedMs), unit: "ms", digits: 0 });
}

/** Section 2: what the two ffmpeg passes cost, directly and inside the bot. */
export function reportNormalization(
  report: Report,
  passes: PassTimes,
  trackSeconds: number,
  uncachedMinusCachedMs: number,
): void {
  const minutes = trackSeconds / 60;
  const bothSeconds = passes.measureSeconds + passes.encodeSeconds;
  const designPerMinute = 60 * (DESIGN_MEASURE_SHARE + DESIGN_ENCODE_SHARE);
  report.section(`2. Normalization cost (${trackSeconds} s track; loudnorm chose ${passes.mode} mode)`);
  report.add({ label: "pass 1, measure", value: passes.measureSeconds, unit: "s", digits: 2 });
  report.add({
    label: "pass 1, share of the duration",
    value: 100 * passes.measureSeconds / trackSeconds,
    unit: "%",
    digits: 2,
    target: `≈ ${percent(DESIGN_MEASURE_SHARE)} (design measurement)`,
  });
  report.add({ label: "pass 2, normalize + Opus", value: passes.encodeSeconds, unit: "s", digits: 2 });
  report.add({
    label: "pass 2, share of the duration",
    value: 100 * passes.encodeSeconds / trackSeconds,
    unit: "%",
    digits: 2,
    target: `≈ ${percent(DESIGN_ENCODE_SHARE)} (design measurement)`,
  });
  report.add({
    label: "both passes, per minute of audio",
    value: bothSeconds / minutes,
    unit: "s/min",
    digits: 2,
    target: `≈ ${designPerMinute.toFixed(2)} s/min`,
  });
  report.add({
    label: "in the bot: uncached − cached start (medians)",
    value: uncachedMinusCachedMs / 1000,
    unit: "s",
    digits: 2,
  });
  report.add({
    label: "in the bot: per minute of audio",
    value: uncachedMinusCachedMs / 1000 / minutes,
    unit: "s/min",
    digits: 2,
    target: "both passes + resolve and download",
  });
  report.add({
    label: "in the bot: beyond the two passes",
    value: uncachedMinusCachedMs / 1000 - bothSeconds,
    unit: "s",
    digits: 2,
    target: "small: yt-dlp resolve + download + worker hand-offs",
  });
}

/** Section 3: gaps at track changes. */
export function reportHandovers(report: Report, gapsMs: number[]): void {
  report.section(
    `3. Hand-over gap between prepared tracks (${gapsMs.length} track changes; 20 ms = seamless)`,
  );
  report.add({ label: "median gap", value: median(gapsMs), unit: "ms", target: "≤ 40 ms (section 8)" });
  report.add({ label: "largest gap", value: maximum(gapsMs), unit: "ms", target: "< 100 ms" });
}

function percent(share: number): string {
  return `${(100 * share).toFixed(1)} %`;
}

/** Section 4: packet spacing, undisturbed and during a normalization. */
export function reportPlayback(report: Report, playback: PlaybackTiming): void {
  report.section("4. Packet spacing while playing (20 ms = exact)");
  addSpacing(report, `steady, ${playback.steadySeconds.toFixed(0)} s of playback`, playback.steady);
  addSpacing(
    report,
    `while normalizing a queued track (${playback.busySeconds.toFixed(1)} s)`,
    playback.busy,
  );
}

function addSpacing(report: Report, what: string, spacing: Spacing): void {
  report.add({ label: `${what}: intervals`, value: spacing.intervals, unit: "", digits: 0 });
  report.add({ label: `${what}: p50`, value: spacing.p50, unit: "ms", target: "20 ms" });
  report.add({ label: `${what}: p99`, value: spacing.p99, unit: "ms", target: "20–24 ms" });
  report.add({ label: `${what}: max`, value: spacing.max, unit: "ms", target: "< 60 ms (no audible hole)" });
}

/** Section 5: the bot's memory over the run, and its CPU time while playing. */
export function reportMemory(
  report: Report,
  residents: { label: string; mb: number }[],
  cpu: { idle: number; playing: number },
): void {
  report.section("5. The bot's process (main thread and workers)");
  for (const { label, mb } of residents) {
    const target = label.startsWith("after") ? "flat across tracks" : undefined;
    report.add({ label: `resident memory, ${label}`, value: mb, unit: "MiB", target });
  }
  report.add({
    label: "CPU time per minute, idle",
    value: cpu.idle,
    unit: "s/min",
    digits: 2,
  });
  report.add({
    label: "CPU time per minute of playback",
    value: cpu.playing,
    unit: "s/min",
    digits: 2,
    target: "≈ 0.09 s/min per stream (design, 50 streams)",
  });
}
