/**
 * Encoding with a constant gain: any audio in, Ogg Opus out (48 kHz stereo, 20 ms frames), written so a
 * player can follow the file while it grows.
 *
 * The gain is one number for the whole track, as loudnorm's linear mode applies it, so nothing pumps. A
 * look-ahead limiter (alimiter, auto-levelling off) only touches the rare peaks the gain would push too
 * high: its ceiling sits 2 dB under the target true peak because Opus and inter-sample peaks add up to
 * about 1.6 dB on top of the sample peak (measured here: a -4 dBFS ceiling gave -2.4 dBTP after Opus).
 */
import type { LoudnessTarget } from "./loudnorm.ts";
import { guardedInput } from "./input_guard.ts";

/** Room between the limiter's sample-peak ceiling and the target true peak. */
const LIMITER_MARGIN_DB = 2;
/** Short Ogg pages, written out as soon as each is full: the player reads audio 100 ms after it is made. */
const PAGE_MICROSECONDS = 100_000;

/** The filter chain: resample first so the limiter sees the rate the encoder gets. */
export function gainFilter(gainDb: number, target: LoudnessTarget): string {
  const ceiling = 10 ** ((target.truePeak - LIMITER_MARGIN_DB) / 20);
  return [
    "aresample=48000",
    `volume=${gainDb.toFixed(2)}dB`,
    `alimiter=limit=${ceiling.toFixed(5)}:level=0:latency=1:attack=5:release=50`,
  ].join(",");
}

/** ffmpeg arguments that write `input` with `gainDb` applied to `output` as Ogg Opus, page by page. */
export function gainEncodeArgs(
  input: string,
  output: string,
  gainDb: number,
  target: LoudnessTarget,
): string[] {
  return [
    ...[
      "-hide_banner",
      "-nostdin",
      "-v",
      "error",
      "-y",
      ...guardedInput(input),
      "-vn",
      "-sn",
      "-dn",
      "-map_metadata",
      "-1",
    ],
    ...["-af", gainFilter(gainDb, target)],
    ...["-ar", "48000", "-ac", "2", "-c:a", "libopus", "-b:a", "128k", "-vbr", "on", "-frame_duration", "20"],
    ...["-flush_packets", "1", "-page_duration", String(PAGE_MICROSECONDS), "-f", "ogg", output],
  ];
}
