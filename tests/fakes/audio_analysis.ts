/**
 * Measuring audio files with ffmpeg: loudness, duration, and which test tone plays when.
 *
 * Tones are found with the Goertzel algorithm on mono PCM, which is exact enough to tell 300 Hz from 500 Hz in
 * a fraction of a second and needs no FFT library.
 */

/** Mono PCM samples at a known rate. */
export interface Pcm {
  readonly samples: Float32Array;
  readonly sampleRate: number;
}

/** What plays in one slice of a file. */
export interface ToneSegment {
  readonly startSeconds: number;
  /** Root mean square level, 0 (silence) to about 0.7 (full-scale sine). */
  readonly rms: number;
  /** The strongest frequency, or null where the segment is quieter than `silenceRms`. */
  readonly frequencyHz: number | null;
}

/** Options for `toneSegments`. */
export interface ToneSegmentOptions {
  readonly segmentSeconds?: number;
  /** Pick among these frequencies; without them, scan `minHz`..`maxHz` for the strongest one. */
  readonly candidatesHz?: readonly number[];
  readonly minHz?: number;
  readonly maxHz?: number;
  readonly silenceRms?: number;
}

const ANALYSIS_RATE = 8_000;

/** Runs ffmpeg (FFMPEG_PATH, else the one on PATH) and returns stdout; throws with stderr on failure. */
export async function runFfmpeg(
  args: readonly string[],
  options: { cwd?: string } = {},
): Promise<{ stdout: Uint8Array; stderr: string }> {
  const command = new Deno.Command(Deno.env.get("FFMPEG_PATH") ?? "ffmpeg", {
    args: ["-hide_banner", "-nostdin", ...args],
    cwd: options.cwd,
    stdout: "piped",
    stderr: "piped",
  });
  const { success, stdout, stderr } = await command.output();
  const text = new TextDecoder().decode(stderr);
  if (!success) throw new Error(`ffmpeg ${args.join(" ")} failed: ${text.trim().split("\n").at(-1)}`);
  return { stdout, stderr: text };
}

/** Integrated loudness in LUFS (EBU R128), or -Infinity for silence. */
export async function integratedLoudness(path: string): Promise<number> {
  // framelog=verbose keeps the per-frame lines out of the default log level; the summary stays.
  const { stderr } = await runFfmpeg([
    "-nostats",
    "-i",
    path,
    "-af",
    "ebur128=framelog=verbose",
    "-f",
    "null",
    "-",
  ]);
  const match = stderr.match(/Integrated loudness:\s+I:\s+(\S+) LUFS/);
  if (!match) throw new Error(`No loudness summary from ffmpeg for "${path}"`);
  return match[1] === "-inf" ? -Infinity : Number(match[1]);
}

/** Decodes any audio file to mono float PCM (8 kHz by default: plenty for tones below 2 kHz). */
export async function decodePcm(path: string, sampleRate = ANALYSIS_RATE): Promise<Pcm> {
  const args = ["-v", "error", "-i", path, "-ac", "1", "-ar", String(sampleRate), "-f", "f32le", "-"];
  const { stdout } = await runFfmpeg(args);
  const samples = new Float32Array(stdout.buffer, stdout.byteOffset, stdout.byteLength / 4);
  return { samples: samples.slice(), sampleRate };
}

/** Duration of the decoded audio in seconds. */
export async function decodedDurationSeconds(path: string): Promise<number> {
  const { samples, sampleRate } = await decodePcm(path);
  return samples.length / sampleRate;
}

/** Splits a file into slices and names the tone in each: read back track order from what a client sent. */
export async function toneSegments(path: string, options: ToneSegmentOptions = {}): Promise<ToneSegment[]> {
  const { segmentSeconds = 1, silenceRms = 0.01 } = options;
  const { samples, sampleRate } = await decodePcm(path);
  const size = Math.round(segmentSeconds * sampleRate);
  const segments: ToneSegment[] = [];
  for (let start = 0; start + size / 2 <= samples.length; start += size) {
    const slice = samples.subarray(start, start + size);
    const level = rms(slice);
    const frequencyHz = level < silenceRms ? null : strongestFrequency(slice, sampleRate, options);
    segments.push({ startSeconds: start / sampleRate, rms: level, frequencyHz });
  }
  return segments;
}

/** The dominant frequency of a whole file (Hz, to about 0.5 Hz). */
export async function dominantFrequency(path: string, minHz = 50, maxHz = 2_000): Promise<number> {
  const { samples, sampleRate } = await decodePcm(path);
  return strongestFrequency(samples, sampleRate, { minHz, maxHz });
}

/** Root mean square of samples. */
export function rms(samples: Float32Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return samples.length === 0 ? 0 : Math.sqrt(sum / samples.length);
}

/** Power of one frequency in samples (Goertzel). */
export function tonePower(samples: Float32Array, sampleRate: number, frequencyHz: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequencyHz) / sampleRate);
  let previous = 0;
  let beforePrevious = 0;
  for (const sample of samples) {
    const current = sample + coefficient * previous - beforePrevious;
    beforePrevious = previous;
    previous = current;
  }
  return previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
}

function strongestFrequency(samples: Float32Array, sampleRate: number, options: ToneSegmentOptions): number {
  const windowed = hann(samples);
  if (options.candidatesHz) return loudest(windowed, sampleRate, options.candidatesHz);
  const { minHz = 50, maxHz = 2_000 } = options;
  const coarse = loudest(windowed, sampleRate, range(minHz, maxHz, 5));
  return loudest(windowed, sampleRate, range(coarse - 5, coarse + 5, 0.5));
}

// The window keeps a loud neighbour's leakage from outscoring a quieter true peak.
function hann(samples: Float32Array): Float32Array {
  const n = samples.length;
  return samples.map((sample, i) => sample * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1))));
}

function loudest(samples: Float32Array, sampleRate: number, frequencies: readonly number[]): number {
  let best = frequencies[0];
  let bestPower = -1;
  for (const frequency of frequencies) {
    const power = tonePower(samples, sampleRate, frequency);
    if (power > bestPower) [best, bestPower] = [frequency, power];
  }
  return best;
}

function range(from: number, to: number, step: number): number[] {
  return Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);
}
