/** Makes a playable file: any audio in, loudness-normalized Ogg Opus out. */
import {
  type LoudnessMeasurement,
  type LoudnessTarget,
  measureArgs,
  normalizeArgs,
  parseDurationSeconds,
  parseLoudnormReport,
} from "./loudnorm.ts";
import { runTool } from "./run_tool.ts";

export interface NormalizedTrack {
  measured: LoudnessMeasurement;
  durationSeconds?: number;
}

/** Measures `input`, then writes it normalized to `output` (two ffmpeg passes). */
export async function normalizeTrack(options: {
  ffmpeg: string;
  input: string;
  output: string;
  target: LoudnessTarget;
  signal?: AbortSignal;
}): Promise<NormalizedTrack> {
  const { ffmpeg, input, output, target, signal } = options;
  const pass1 = await runTool(ffmpeg, measureArgs(input, target), signal);
  const measured = parseLoudnormReport(pass1.stderr);
  await runTool(ffmpeg, normalizeArgs(input, output, target, measured), signal);
  return { measured, durationSeconds: parseDurationSeconds(pass1.stderr) };
}
