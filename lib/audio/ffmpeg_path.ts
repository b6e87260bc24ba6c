/**
 * Finds the ffmpeg binary: FFMPEG_PATH, then the `ffmpeg` on PATH.
 *
 * No npm package provides it: ffmpeg-static downloads its binary in an install script, which Deno does not
 * run unless allowed and which needs a download host many machines cannot reach; a binary it left behind
 * would also sit outside what `--allow-run` names.
 */
export function findFfmpeg(configured?: string): Promise<string> {
  return Promise.resolve(configured || "ffmpeg");
}
