/**
 * A fast estimate of a track's integrated loudness, in about the same time whatever its length: ebur128
 * over a fixed number of short windows spread evenly across the track, joined into one stream so the
 * EBU R128 gate works on them together. Short tracks are measured whole.
 *
 * Twelve 3 s windows (36 s of audio) read a 600 s track in about 0.6 s on these machines; the estimate is
 * close enough for the first play (within about 1 LU on music), and the finished file is measured exactly.
 */
import { parseDurationSeconds } from "./loudnorm.ts";
import { ebur128Filter, measureLoudness, parseEbur128Summary } from "./ebur128.ts";
import { runTool } from "./run_tool.ts";
import { guardedInput } from "./input_guard.ts";

const WINDOWS = 12;
const WINDOW_SECONDS = 3;
/** Up to this length measuring everything costs about as much as seeking to the windows. */
const MEASURE_WHOLE_UP_TO_SECONDS = 2 * WINDOWS * WINDOW_SECONDS;
/** ebur128's floor: what it reports when nothing passed its absolute gate. */
const SILENT_WINDOWS_LUFS = -69.9;

/** The estimate, and the track's duration when ffmpeg knew it. */
export interface LoudnessEstimate {
  integrated: number;
  durationSeconds?: number;
}

/** Estimates the integrated loudness of the local file `input`. */
export async function estimateLoudness(
  ffmpeg: string,
  input: string,
  options: { durationSeconds?: number; signal?: AbortSignal } = {},
): Promise<LoudnessEstimate> {
  const { signal } = options;
  // A duration the resolver already knew saves starting ffmpeg once more.
  const durationSeconds = options.durationSeconds ?? await probeDuration(ffmpeg, input, signal);
  const whole = async () => {
    const measured = await measureLoudness(ffmpeg, input, { truePeak: false, signal });
    return { integrated: measured.integrated, durationSeconds };
  };
  if (durationSeconds === undefined || durationSeconds <= MEASURE_WHOLE_UP_TO_SECONDS) return await whole();
  const args = windowArgs(input, durationSeconds, await seekOptions(input));
  const { stderr } = await runTool(ffmpeg, args, signal);
  const integrated = parseEbur128Summary(stderr).integrated;
  // Every window silent: a quiet track, or a duration that was wrong. Measuring it all settles which.
  return integrated <= SILENT_WINDOWS_LUFS ? await whole() : { integrated, durationSeconds };
}

/** Where each window starts: evenly spread, away from the very start and end. */
export function windowStarts(durationSeconds: number): number[] {
  const span = durationSeconds - WINDOW_SECONDS;
  return Array.from({ length: WINDOWS }, (_, i) => Math.max(0, (span * (i + 0.5)) / WINDOWS));
}

// One seeking input per window: ffmpeg reads only those stretches of the file.
function windowArgs(input: string, durationSeconds: number, seek: string[]): string[] {
  const starts = windowStarts(durationSeconds);
  const inputs = starts.flatMap((start) => [
    ...seek,
    ...["-ss", start.toFixed(3), "-t", String(WINDOW_SECONDS)],
    ...guardedInput(input),
  ]);
  // Each input is made 48 kHz stereo first: concat needs one format, and ebur128 reads that one anyway.
  const prepare = starts.map((_, i) => `[${i}:a:0]aformat=sample_rates=48000:channel_layouts=stereo[w${i}]`);
  const joined = starts.map((_, i) => `[w${i}]`).join("");
  const graph = [...prepare, `${joined}concat=n=${starts.length}:v=0:a=1,${ebur128Filter(false)}`].join(";");
  return ["-hide_banner", "-nostdin", "-nostats", ...inputs, "-filter_complex", graph, "-f", "null", "-"];
}

/**
 * MP3 files seek by their Xing table of contents: a window a second off does not matter here, and without it
 * ffmpeg reads its way to each window (0.52 s instead of 0.36 s for a 600 s file). Other demuxers refuse the
 * option, so it is given to MP3 alone, known by its first bytes (an ID3 tag or a frame sync).
 */
async function seekOptions(input: string): Promise<string[]> {
  const head = new Uint8Array(3);
  const file = await Deno.open(input);
  try {
    await file.read(head);
  } finally {
    file.close();
  }
  const id3 = head[0] === 0x49 && head[1] === 0x44 && head[2] === 0x33;
  const frameSync = head[0] === 0xff && (head[1] & 0xe0) === 0xe0;
  return id3 || frameSync ? ["-usetoc", "1"] : [];
}

/** The duration ffmpeg reads from the container, decoding nothing (`-t 0`). */
async function probeDuration(
  ffmpeg: string,
  input: string,
  signal?: AbortSignal,
): Promise<number | undefined> {
  const args = ["-hide_banner", "-nostdin", ...guardedInput(input), "-vn", "-t", "0", "-f", "null", "-"];
  return parseDurationSeconds((await runTool(ffmpeg, args, signal)).stderr);
}
