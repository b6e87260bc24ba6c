/**
 * Two-pass EBU R128 loudness normalization with ffmpeg's loudnorm filter, as ffmpeg-normalize does it:
 * pass 1 measures, pass 2 applies one linear gain computed from those measurements.
 */
import { guardedInput } from "./input_guard.ts";

/** What the listener hears: the loudness every track is brought to. */
export interface LoudnessTarget {
  /** Integrated loudness, LUFS. */
  integrated: number;
  /** Loudness range, LU; kept above most music's so loudnorm can stay linear. */
  range: number;
  /** True peak ceiling, dBTP; at most -2 because the Opus encoder adds up to ~0.6 dB of peak. */
  truePeak: number;
}

/** loudnorm's pass-1 report, the numbers pass 2 needs. */
export interface LoudnessMeasurement {
  inputI: number;
  inputLra: number;
  inputTp: number;
  inputThresh: number;
  targetOffset: number;
}

/** The target used for a configured loudness. */
export function loudnessTarget(integrated: number): LoudnessTarget {
  return { integrated, range: 11, truePeak: -2 };
}

/** The filter for pass 1: measure only. */
export function measureFilter(target: LoudnessTarget): string {
  return `loudnorm=I=${target.integrated}:LRA=${target.range}:TP=${target.truePeak}:print_format=json`;
}

/** The filter for pass 2: apply the gain that pass 1 measured. */
export function normalizeFilter(target: LoudnessTarget, measured: LoudnessMeasurement): string {
  return [
    `loudnorm=I=${target.integrated}`,
    `LRA=${target.range}`,
    `TP=${target.truePeak}`,
    `measured_I=${measured.inputI}`,
    `measured_LRA=${measured.inputLra}`,
    `measured_TP=${measured.inputTp}`,
    `measured_thresh=${measured.inputThresh}`,
    `offset=${measured.targetOffset}`,
    "linear=true",
    "print_format=json",
  ].join(":");
}

/** ffmpeg arguments for pass 1, reading `input` and writing nothing. */
export function measureArgs(input: string, target: LoudnessTarget): string[] {
  return [
    "-hide_banner",
    "-nostdin",
    ...guardedInput(input),
    "-vn",
    "-sn",
    "-dn",
    "-af",
    measureFilter(target),
    "-f",
    "null",
    "-",
  ];
}

/** ffmpeg arguments for pass 2: normalize and encode to Ogg Opus, 48 kHz stereo, 20 ms frames. */
export function normalizeArgs(
  input: string,
  output: string,
  target: LoudnessTarget,
  measured: LoudnessMeasurement,
): string[] {
  return [
    ...["-hide_banner", "-nostdin", "-y", ...guardedInput(input), "-vn", "-sn", "-dn", "-map_metadata", "-1"],
    ...["-af", normalizeFilter(target, measured)],
    ...["-ar", "48000", "-ac", "2", "-c:a", "libopus", "-b:a", "128k", "-vbr", "on", "-frame_duration", "20"],
    ...["-f", "ogg", output],
  ];
}

/** Reads loudnorm's JSON report from the end of ffmpeg's stderr. */
export function parseLoudnormReport(stderr: string): LoudnessMeasurement {
  const start = stderr.lastIndexOf("{");
  const end = stderr.lastIndexOf("}");
  if (start < 0 || end < start) throw new Error("ffmpeg printed no loudnorm report");
  const report = JSON.parse(stderr.slice(start, end + 1)) as Record<string, unknown>;
  return {
    inputI: reportNumber(report, "input_i"),
    inputLra: reportNumber(report, "input_lra"),
    inputTp: reportNumber(report, "input_tp"),
    inputThresh: reportNumber(report, "input_thresh"),
    targetOffset: reportNumber(report, "target_offset"),
  };
}

/** loudnorm prints numbers as strings, and "-inf" for silence; silence cannot be normalized. */
function reportNumber(report: Record<string, unknown>, key: string): number {
  const value = Number(report[key]);
  if (!Number.isFinite(value)) {
    throw new Error(`loudnorm reported ${key}=${JSON.stringify(report[key])}; is the track silent?`);
  }
  return value;
}

/** The track's duration from ffmpeg's "Duration: 00:03:01.23" line, when it printed one. */
export function parseDurationSeconds(stderr: string): number | undefined {
  const match = /Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(stderr);
  if (!match) return undefined;
  return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}
