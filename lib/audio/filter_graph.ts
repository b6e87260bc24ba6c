/**
 * The ffmpeg filter chain for a guild's volume and filters, built only from the allow-listed presets in
 * audio_effects.ts and numbers checked there: no user text reaches the graph.
 *
 * The prepared file is already at the target loudness, so the chain keeps it there: the effects come
 * first, then a correction that undoes what they did to this song's loudness (measured on it, see
 * filter_loudness.ts: a bass shelf adds little to a thin song and a lot to a bass-heavy one), then the
 * volume, and a look-ahead limiter at the same ceiling as the normalizer's holds the peaks that a boost
 * pushes up.
 */
import type { LoudnessTarget } from "./loudnorm.ts";
import {
  type AudioEffects,
  type AudioFilters,
  type BassLevel,
  FILTER_NAMES,
  pitchFactorOf,
  tempoOf,
} from "../audio_effects.ts";

const RATE = 48_000;
/** Room between the limiter's sample-peak ceiling and the target true peak (as in gain_encode.ts). */
const LIMITER_MARGIN_DB = 2;

/**
 * Shelf gain at 110 Hz, and the cut that keeps broadband music at the same loudness: only a first guess,
 * for an excerpt too quiet to measure (K-weighting hears a bass shelf far less than its gain).
 */
const BASS: Record<BassLevel, { gainDb: number; guessDb: number }> = {
  low: { gainDb: 6, guessDb: -0.2 },
  medium: { gainDb: 10, guessDb: -0.6 },
  high: { gainDb: 15, guessDb: -1.8 },
};

/**
 * The effects alone, for 48 kHz stereo in and out: what changes the sound, before any gain. In `realTime`
 * (a live stream, which cannot be played faster or slower than it is sent) speed changes are left out and
 * nightcore and vaporwave change only the pitch.
 */
export function effectChain(filters: AudioFilters, options: { realTime?: boolean } = {}): string[] {
  const chain: string[] = [`aresample=${RATE}`];
  const pitch = pitchFactorOf(filters);
  const tempo = options.realTime ? 1 : tempoOf(filters);
  if (pitch !== 1) {
    // Played as if sampled faster (pitch and speed up), then stretched back to the wanted speed.
    chain.push(`asetrate=${Math.round(RATE * pitch)}`, `aresample=${RATE}`);
  }
  if (tempo / pitch !== 1) chain.push(...atempoChain(tempo / pitch));
  if (filters.bassboost) chain.push(`bass=g=${BASS[filters.bassboost].gainDb}:f=110:w=0.6`);
  if (filters.karaoke) chain.push("stereotools=mlev=0.015625");
  if (filters.lowpass) chain.push("lowpass=f=1000");
  if (filters.tremolo) chain.push("tremolo=f=4:d=0.6");
  if (filters["8d"]) chain.push("apulsator=hz=0.125");
  return chain;
}

/** The correction to use when none could be measured: the bass shelf's guess, nothing for the rest. */
export function guessedCorrectionDb(filters: AudioFilters): number {
  return filters.bassboost ? BASS[filters.bassboost].guessDb : 0;
}

/**
 * The `-af` chain for `effects`: `correctionDb` brings the effects' loudness back to the target, or, given
 * as a command file, is read from that file once the audio comes (so ffmpeg can start before it is known).
 */
export function filterGraph(
  effects: AudioEffects,
  target: LoudnessTarget,
  correction: number | { commandFile: string } = guessedCorrectionDb(effects.filters),
): string {
  const chain = effectChain(effects.filters);
  if (typeof correction === "number") {
    return [...chain, ...volumeAndLimiter(effects.volume, correction, target)].join(",");
  }
  // A name of the bot's own making, in ffmpeg's working folder: nothing in it needs escaping in the graph.
  if (!/^[A-Za-z0-9._-]+$/.test(correction.commandFile)) throw new Error("Not a plain command file name");
  chain.push(`asendcmd=f=${correction.commandFile}`, "volume@correction=0dB");
  return [...chain, ...volumeAndLimiter(effects.volume, 0, target)].join(",");
}

/** The command file's text: the correction, applied from the first sample. */
export function correctionCommand(correctionDb: number): string {
  return `0 volume@correction volume ${correctionDb.toFixed(2)}dB;\n`;
}

/** The volume in percent with a correction in dB, and the limiter that holds the peaks either pushes up. */
export function volumeAndLimiter(volume: number, correctionDb: number, target: LoudnessTarget): string[] {
  const chain: string[] = [];
  const gainDb = correctionDb + (volume === 100 ? 0 : 20 * Math.log10(Math.max(volume, 0.01) / 100));
  if (volume === 0) chain.push("volume=0");
  else if (Math.abs(gainDb) >= 0.005) chain.push(`volume=${gainDb.toFixed(2)}dB`);
  const ceiling = 10 ** ((target.truePeak - LIMITER_MARGIN_DB) / 20);
  chain.push(`alimiter=limit=${ceiling.toFixed(5)}:level=0:latency=1:attack=5:release=50`);
  return chain;
}

/** The filters as a stable text, whatever order they were turned on in: a key for what they sound like. */
export function filtersKey(filters: AudioFilters): string {
  return FILTER_NAMES.map((name) => `${name}=${filters[name] ?? ""}`).join(";");
}

/** atempo takes 0.5–2 per instance in older ffmpeg: chain them for factors beyond. */
function atempoChain(factor: number): string[] {
  const parts: string[] = [];
  let rest = factor;
  while (rest > 2) {
    parts.push("atempo=2");
    rest /= 2;
  }
  while (rest < 0.5) {
    parts.push("atempo=0.5");
    rest /= 0.5;
  }
  parts.push(`atempo=${rest.toFixed(6)}`);
  return parts;
}
