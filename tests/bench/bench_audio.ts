/**
 * Music-like test tracks made by ffmpeg: a tone over pink noise whose level swells slowly. The swell
 * matters: loudnorm only normalizes linearly (the fast path the bot relies on) when the loudness range is
 * above zero, so a steady tone would measure the slower dynamic mode instead.
 */
import { runFfmpeg } from "../fakes/audio_analysis.ts";

/** Writes a stereo MP3 of `seconds` to `path`, with a tone at `frequencyHz`. */
export async function writeMusicLike(path: string, seconds: number, frequencyHz: number): Promise<void> {
  const tone = `sine=frequency=${frequencyHz}:duration=${seconds}:sample_rate=48000`;
  const noise = `anoisesrc=color=pink:amplitude=0.1:duration=${seconds}:sample_rate=48000`;
  const mix = "[0:a][1:a]amix=inputs=2:normalize=0,volume='0.7+0.25*sin(2*PI*t/15)':eval=frame," +
    "aformat=channel_layouts=stereo";
  await runFfmpeg([
    ...["-v", "error", "-y", "-f", "lavfi", "-i", tone, "-f", "lavfi", "-i", noise],
    ...["-filter_complex", mix, "-c:a", "libmp3lame", "-b:a", "192k", path],
  ]);
}
