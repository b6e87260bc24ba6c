/**
 * The transcoder worker's work: download a source with yt-dlp (through the egress guard), then make a
 * loudness-normalized Ogg Opus file of it where the cache asked.
 */
import { join } from "node:path";
import type {
  TranscoderAnswer,
  TranscoderRequest,
  TranscoderSettings,
} from "../channels/transcoder_messages.ts";
import { assertFetchable } from "../sources/address_guard.ts";
import { guardedYtdlpRun } from "../sources/guarded_ytdlp.ts";
import { downloadArgs } from "../sources/ytdlp_args.ts";
import { UserError } from "../user_error.ts";
import { findFfmpeg } from "./ffmpeg_path.ts";
import { normalizeTrack } from "./normalize_track.ts";

const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

/** Builds the handler for the transcoder worker from its settings. */
export async function createTranscoder(settings: TranscoderSettings) {
  const ffmpeg = await findFfmpeg(settings.ffmpegPath);
  const policy = { allowPrivate: settings.allowPrivateUrls };

  async function prepare(request: TranscoderRequest, signal: AbortSignal): Promise<TranscoderAnswer> {
    const url = sourceUrl(request.source);
    // Other links were checked when queued, but may come back from saved state; YouTube needs no lookup
    // here, and the egress proxy still checks every connection yt-dlp makes.
    if (request.source.kind === "url") await assertFetchable(new URL(url), policy);
    // Named like the cache's temporary files, so a crash mid-download leaves nothing a restart keeps.
    const download = join(settings.workDir, `.partial-download-${crypto.randomUUID()}`);
    try {
      await guardedYtdlpRun((common) => downloadArgs(url, download, common), {
        ytdlpPath: settings.ytdlpPath,
        policy,
        timeoutMs: DOWNLOAD_TIMEOUT_MS,
        signal,
      });
      await assertDownloaded(download);
      const normalized = await normalizeTrack({
        ffmpeg,
        input: download,
        output: request.outputPath,
        target: settings.target,
        signal,
      }).catch((error) => {
        throw signal.aborted ? error : explainFfmpegFailure(error);
      });
      return {
        outcome: "ready",
        durationSeconds: normalized.durationSeconds,
        inputLoudness: normalized.measured.inputI,
      };
    } finally {
      await Deno.remove(download).catch(() => {});
    }
  }

  return async (request: TranscoderRequest, signal: AbortSignal): Promise<TranscoderAnswer> => {
    try {
      return await prepare(request, signal);
    } catch (error) {
      if (error instanceof UserError) return { outcome: "failed", message: error.message, userFacing: true };
      throw error;
    }
  };
}

/** ffmpeg's failures, in the user's terms; the details go to the log for the operator. */
function explainFfmpegFailure(error: unknown): UserError {
  const detail = error instanceof Error ? error.message : String(error);
  console.error(`Normalizing failed: ${detail}`);
  if (/No space left on device|Permission denied|Read-only file system/i.test(detail)) {
    return new UserError("I couldn't store this track: my cache folder is full or not writable.");
  }
  return new UserError("I couldn't read that as audio. Is it a music or video file?");
}

/** yt-dlp exits 0 without writing anything when a file is over --max-filesize. */
async function assertDownloaded(path: string): Promise<void> {
  try {
    await Deno.stat(path);
  } catch {
    throw new UserError("That file is too large for me to play (over 300 MB).");
  }
}

function sourceUrl(source: TranscoderRequest["source"]): string {
  return source.kind === "youtube" ? `https://www.youtube.com/watch?v=${source.videoId}` : source.url;
}
