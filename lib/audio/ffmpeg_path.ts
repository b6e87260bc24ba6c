/** Finds the ffmpeg binary: FFMPEG_PATH, then ffmpeg-static's file if it exists, then PATH. */
import { existsSync } from "node:fs";

/** ffmpeg-static's install script downloads its binary; where it was skipped, the file is absent. */
export async function findFfmpeg(configured?: string): Promise<string> {
  if (configured) return configured;
  const bundled = await ffmpegStaticFile();
  return bundled && existsSync(bundled) ? bundled : "ffmpeg";
}

async function ffmpegStaticFile(): Promise<string | undefined> {
  try {
    const module = await import("ffmpeg-static");
    return (module.default as unknown as string | null) ?? undefined;
  } catch {
    return undefined;
  }
}
