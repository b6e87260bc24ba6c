/**
 * Music-like test tracks made by ffmpeg: a tone and pink noise whose level swells and steps between quiet
 * verses and loud choruses, so a loudness estimate from a few windows has something to get wrong. A steady
 * tone would not do: loudnorm and limiters treat it unlike music.
 */
import { runFfmpeg } from "./audio_analysis.ts";

/** Writes a stereo MP3 of `seconds` to `path`; `level` scales it (1 is about -24 LUFS). */
export async function writeMusicLike(
  path: string,
  seconds: number,
  options: { frequencyHz?: number; level?: number } = {},
): Promise<void> {
  const tone = `sine=frequency=${options.frequencyHz ?? 220}:duration=${seconds}:sample_rate=48000`;
  const noise = `anoisesrc=color=pink:amplitude=0.3:duration=${seconds}:sample_rate=48000`;
  // Verses at a third of the chorus level for 12 s of every 40, and a slow swell on top.
  const level = `${options.level ?? 1}*(0.55+0.35*sin(2*PI*t/23))*if(lt(mod(t,40),12),0.33,1)`;
  const mix =
    `[0:a][1:a]amix=inputs=2:normalize=0,volume='${level}':eval=frame,aformat=channel_layouts=stereo`;
  await runFfmpeg([
    ...["-v", "error", "-y", "-f", "lavfi", "-i", tone, "-f", "lavfi", "-i", noise],
    ...["-filter_complex", mix, "-c:a", "libmp3lame", "-b:a", "160k", path],
  ]);
}
