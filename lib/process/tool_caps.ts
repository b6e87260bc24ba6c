/**
 * This thread's caps on concurrent tool runs. A worker sets them from the settings it is started with;
 * yt-dlp runs take a slot in `toolCaps.ytdlp`, and ffmpeg work takes one in `toolCaps.ffmpeg`.
 */
import { ToolSlots } from "./tool_slots.ts";

/** How many runs of each tool may go at once. */
export interface ToolJobs {
  ffmpegJobs: number;
  ytdlpJobs: number;
}

/**
 * The defaults: one ffmpeg per core, three yt-dlp (they mostly wait on the network): one server holds at
 * most two, so a slow lookup there and another member's /play both run, and one is left for other servers.
 */
export const DEFAULT_TOOL_JOBS: Readonly<ToolJobs> = Object.freeze({
  ffmpegJobs: Math.max(1, navigator.hardwareConcurrency ?? 1),
  ytdlpJobs: 3,
});

/** The slots of this thread. */
export const toolCaps: { readonly ffmpeg: ToolSlots; readonly ytdlp: ToolSlots } = {
  ffmpeg: new ToolSlots(DEFAULT_TOOL_JOBS.ffmpegJobs),
  ytdlp: new ToolSlots(DEFAULT_TOOL_JOBS.ytdlpJobs),
};

/** Applies the configured caps to this thread's slots. */
export function applyToolJobs(jobs: ToolJobs): void {
  toolCaps.ffmpeg.resize(jobs.ffmpegJobs);
  toolCaps.ytdlp.resize(jobs.ytdlpJobs);
}
