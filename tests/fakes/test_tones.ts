/**
 * Test media made by ffmpeg: stereo sine tones at a chosen frequency and loudness, in any container ffmpeg can
 * write (chosen by the file extension). No recordings, so no licensing questions.
 */
import { join } from "node:path";
import { integratedLoudness, runFfmpeg } from "./audio_analysis.ts";

/** Options for `generateTone`. */
export interface ToneOptions {
  /** Output file; `.wav`, `.mp3`, `.ogg`/`.opus` (Opus, 20 ms frames) or `.flac`. */
  readonly path: string;
  readonly frequencyHz: number;
  readonly seconds: number;
  /** Target integrated loudness; wins over `volumeDb`. */
  readonly loudnessLufs?: number;
  /** Peak level in dBFS when no loudness target is given (default -18). */
  readonly volumeDb?: number;
}

/** A generated file and its measured loudness. */
export interface GeneratedTone {
  readonly path: string;
  readonly loudnessLufs: number;
  readonly peakDbfs: number;
}

// Lossy encoders overshoot the source peak a little; keep a dB of room so targets never need clipping.
const MAX_PEAK_DBFS = -1;

/** Writes a stereo sine tone; with `loudnessLufs` the level is calibrated by measuring, then checked. */
export async function generateTone(options: ToneOptions): Promise<GeneratedTone> {
  const peakDbfs = options.loudnessLufs === undefined
    ? options.volumeDb ?? -18
    : await peakForLoudness(options, options.loudnessLufs);
  if (peakDbfs > MAX_PEAK_DBFS) {
    throw new Error(
      `A ${options.frequencyHz} Hz tone needs a peak of ${peakDbfs.toFixed(1)} dBFS, above the limit`,
    );
  }
  await renderTone(options.path, options.frequencyHz, options.seconds, peakDbfs);
  return { path: options.path, loudnessLufs: await integratedLoudness(options.path), peakDbfs };
}

// Loudness is linear in gain, so one measurement of a reference rendering gives the exact peak to use.
async function peakForLoudness(options: ToneOptions, targetLufs: number): Promise<number> {
  const dir = await Deno.makeTempDir({ prefix: "trazom_tone_" });
  try {
    const reference = join(dir, "reference.wav");
    const referencePeak = -20;
    await renderTone(reference, options.frequencyHz, Math.min(options.seconds, 5), referencePeak);
    return referencePeak + targetLufs - await integratedLoudness(reference);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function renderTone(
  path: string,
  frequencyHz: number,
  seconds: number,
  peakDbfs: number,
): Promise<void> {
  const amplitude = 10 ** (peakDbfs / 20);
  const wave = `${amplitude}*sin(2*PI*${frequencyHz}*t)`;
  const source = `aevalsrc=${wave}|${wave}:s=48000:d=${seconds}`;
  await runFfmpeg(["-v", "error", "-y", "-f", "lavfi", "-i", source, ...encoderArgs(path), path]);
}

function encoderArgs(path: string): string[] {
  const extension = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  switch (extension) {
    case "wav":
      return ["-c:a", "pcm_s16le"];
    case "mp3":
      return ["-c:a", "libmp3lame", "-b:a", "192k"];
    case "ogg":
    case "opus":
      return ["-c:a", "libopus", "-b:a", "128k", "-frame_duration", "20", "-f", "ogg"];
    case "flac":
      return ["-c:a", "flac"];
  }
  throw new Error(`Unsupported tone file extension ".${extension}" in "${path}"`);
}
