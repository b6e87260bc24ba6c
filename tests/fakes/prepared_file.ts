/** Files as the transcoder leaves them (Ogg Opus at the target loudness), made from ffmpeg's sources. */
import { join } from "node:path";
import { integratedLoudness, runFfmpeg } from "./audio_analysis.ts";

export const PREPARED_TARGET = { integrated: -16, truePeak: -1.5, range: 11 };

/**
 * A prepared file as the transcoder leaves it: 20 s of Ogg Opus at the target loudness. Left and right
 * differ (two noises) around a centred tone, so karaoke has something to keep.
 */
export async function prepared(dir: string, name: string, sources: string): Promise<string> {
  const raw = join(dir, `${name}.wav`);
  await runFfmpeg(["-v", "error", "-y", "-filter_complex", sources, raw]);
  const gainDb = PREPARED_TARGET.integrated - await integratedLoudness(raw);
  const path = join(dir, `${name}.ogg`);
  await runFfmpeg([
    ...["-v", "error", "-y", "-i", raw, "-af", `volume=${gainDb.toFixed(2)}dB`],
    ...["-c:a", "libopus", "-b:a", "128k", "-frame_duration", "20", path],
  ]);
  return path;
}

/** Songs of a different balance, as the ffmpeg sources of 20 s of each. */
export const SONGS = {
  /** Mostly bass, all of it in the middle: a 55 Hz line and an 110 Hz one, with little above. */
  "bass-heavy": [
    "sine=f=55:d=20:sample_rate=48000,volume=0.6[a]",
    "sine=f=110:d=20:sample_rate=48000,volume=0.3[b]",
    "anoisesrc=c=pink:a=0.02:d=20:sample_rate=48000[c]",
    "[a][b][c]amix=inputs=3:normalize=0,aformat=channel_layouts=stereo",
  ].join(";"),
  /** Broadband: a centred tone over different pink noise left and right. */
  "broadband": [
    "sine=f=330:d=20:sample_rate=48000,volume=0.2,aformat=channel_layouts=stereo[tone]",
    "anoisesrc=c=pink:a=0.2:d=20:sample_rate=48000:seed=1[l]",
    "anoisesrc=c=pink:a=0.2:d=20:sample_rate=48000:seed=2[r]",
    "[l][r]join=inputs=2:channel_layout=stereo[noise]",
    "[tone][noise]amix=inputs=2:normalize=0",
  ].join(";"),
};

/** The files of renders made ahead in `dir` (by the name the transcoder gives them). */
export async function rendersAheadIn(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.includes("render-ahead")) names.push(entry.name);
  }
  return names;
}
