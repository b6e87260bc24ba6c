/**
 * The ffmpeg filter chain for a guild's volume and filters, built only from the allow-listed presets in
 * audio_effects.ts and numbers checked there: no user text reaches the graph.
 *
 * The prepared file is already at the target loudness, so the chain keeps it there: bass boost comes with
 * a compensating cut (tuned on broadband, music-like audio, where K-weighting hears a bass shelf far less
 * than its gain), and a look-ahead limiter at the same ceiling as the normalizer's holds the peaks that
 * boost or volume push up.
 */
import type { LoudnessTarget } from "./loudnorm.ts";
import { type AudioEffects, type BassLevel, pitchFactorOf, tempoOf } from "../audio_effects.ts";

const RATE = 48_000;
/** Room between the limiter's sample-peak ceiling and the target true peak (as in gain_encode.ts). */
const LIMITER_MARGIN_DB = 2;

/** Shelf gain at 110 Hz, and the cut that keeps broadband music at the same loudness. */
const BASS: Record<BassLevel, { gainDb: number; compensationDb: number }> = {
  low: { gainDb: 6, compensationDb: -0.2 },
  medium: { gainDb: 10, compensationDb: -0.6 },
  high: { gainDb: 15, compensationDb: -1.8 },
};

/** The `-af` chain for `effects`, for 48 kHz stereo in and out. */
export function filterGraph(effects: AudioEffects, target: LoudnessTarget): string {
  const { filters } = effects;
  const chain: string[] = [`aresample=${RATE}`];
  const pitch = pitchFactorOf(filters);
  const tempo = tempoOf(filters);
  if (pitch !== 1) {
    // Played as if sampled faster (pitch and speed up), then stretched back to the wanted speed.
    chain.push(`asetrate=${Math.round(RATE * pitch)}`, `aresample=${RATE}`);
  }
  if (tempo / pitch !== 1) chain.push(...atempoChain(tempo / pitch));
  let gainDb = effects.volume === 100 ? 0 : 20 * Math.log10(Math.max(effects.volume, 0.01) / 100);
  if (filters.bassboost) {
    const bass = BASS[filters.bassboost];
    chain.push(`bass=g=${bass.gainDb}:f=110:w=0.6`);
    gainDb += bass.compensationDb;
  }
  if (filters.karaoke) chain.push("stereotools=mlev=0.015625");
  if (filters.lowpass) chain.push("lowpass=f=1000");
  if (filters.tremolo) chain.push("tremolo=f=4:d=0.6");
  if (filters["8d"]) chain.push("apulsator=hz=0.125");
  if (effects.volume === 0) chain.push("volume=0");
  else if (gainDb !== 0) chain.push(`volume=${gainDb.toFixed(2)}dB`);
  const ceiling = 10 ** ((target.truePeak - LIMITER_MARGIN_DB) / 20);
  chain.push(`alimiter=limit=${ceiling.toFixed(5)}:level=0:latency=1:attack=5:release=50`);
  return chain.join(",");
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
