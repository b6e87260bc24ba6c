/**
 * Encoding a live stream: audio of unknown length in on stdin, Ogg Opus out on stdout, normalized as it
 * goes by a running loudness estimate.
 *
 * The estimate is ffmpeg's loudnorm in its single-pass (dynamic) mode: it keeps a running integrated
 * loudness and a 3 s short-term window, moves its gain smoothly towards the target, and limits true peaks
 * with a look-ahead. That is exactly what a stream with no end needs, in one process with no measuring
 * pass and no gain fed back from outside; its price is 3 s of look-ahead before the first audio and about
 * 5 % of a core while it plays (measured here on 30 s of MP3: 1.5 CPU-s), paid only by live streams. A
 * constant gain from the first seconds (what ordinary tracks get) would stay wrong for the rest of a radio
 * stream whose programmes change.
 *
 * Its loudness range is held to at most 7 LU: a running estimate lifts quiet passages towards the target,
 * and with the ordinary tracks' 11 LU it read 1.6 LU loud over two minutes of music with a 16 LU range
 * (quiet verses, loud choruses); with 7 LU it read 1.1 LU loud, and 0.1 LU on steady material either way.
 * Radio is usually mastered narrower than that anyway.
 */
import type { LoudnessTarget } from "./loudnorm.ts";
import { type AudioEffects, isNeutral, NO_EFFECTS } from "../audio_effects.ts";
import { effectChain, volumeAndLimiter } from "./filter_graph.ts";

/** Short Ogg pages, flushed at once: the player gets audio 100 ms after it is made. */
const PAGE_MICROSECONDS = 100_000;
/**
 * Enough to tell MP3, AAC or Ogg apart, without waiting seconds of a stream that arrives at its own pace
 * (ffmpeg's default, 5 MB, is minutes of radio; 256 KiB was 6 s of a 160 kb/s stream here).
 */
const PROBE_BYTES = 32 * 1024;
const ANALYZE_MICROSECONDS = 500_000;

/** The widest loudness range a live stream keeps, LU (see above). */
export const LIVE_MAX_RANGE = 7;

/**
 * The filter chain: loudnorm works at 192 kHz inside, so the encoder gets 48 kHz back. The guild's filters
 * come before it, so the running estimate keeps the filtered sound at the target (no correction to
 * measure), and its volume after it.
 */
export function liveFilter(target: LoudnessTarget, effects: AudioEffects = NO_EFFECTS): string {
  const range = Math.min(target.range, LIVE_MAX_RANGE);
  const normalize = `loudnorm=I=${target.integrated}:LRA=${range}:TP=${target.truePeak},aresample=48000`;
  if (isNeutral(effects)) return normalize;
  const filters = Object.keys(effects.filters).length > 0
    ? effectChain(effects.filters, { realTime: true })
    : [];
  return [...filters, normalize, ...volumeAndLimiter(effects.volume, 0, target)].join(",");
}

/** ffmpeg arguments that read a stream on stdin and write normalized Ogg Opus to stdout, page by page. */
export function liveEncodeArgs(target: LoudnessTarget, effects: AudioEffects = NO_EFFECTS): string[] {
  return [
    ...["-hide_banner", "-nostdin", "-v", "error", "-probesize", String(PROBE_BYTES)],
    ...["-analyzeduration", String(ANALYZE_MICROSECONDS)],
    ...["-i", "pipe:0", "-vn", "-sn", "-dn", "-map_metadata", "-1"],
    ...["-af", liveFilter(target, effects)],
    ...["-ar", "48000", "-ac", "2", "-c:a", "libopus", "-b:a", "128k", "-vbr", "on", "-frame_duration", "20"],
    ...["-flush_packets", "1", "-page_duration", String(PAGE_MICROSECONDS), "-f", "ogg", "pipe:1"],
  ];
}
