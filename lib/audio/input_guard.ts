/**
 * What ffmpeg may open when it reads a download: local files only, and only audio and video containers.
 * A downloaded "song" can be a playlist (HLS, concat, an image sequence) naming other files: ffmpeg would
 * open them, a local media file included, and play it to strangers. Whitelisting the demuxers keeps every
 * playlist format out, and the protocol list keeps ffmpeg off the network.
 */

/** Demuxers for the containers audio comes in (yt-dlp's downloads and direct media links). */
export const AUDIO_DEMUXERS = [
  "aac",
  "ac3",
  "aiff",
  "amr",
  "ape",
  "asf",
  "au",
  "avi",
  "caf",
  "dts",
  "eac3",
  "flac",
  "flv",
  "matroska",
  "mov",
  "mp3",
  "mpc",
  "mpc8",
  "mpeg",
  "mpegts",
  "ogg",
  "rm",
  "tta",
  "w64",
  "wav",
  "wv",
] as const;

/** `-i input` with the protocol and format whitelists that apply to it; they are input options, so they come first. */
export function guardedInput(input: string): string[] {
  return ["-protocol_whitelist", "file,pipe", "-format_whitelist", AUDIO_DEMUXERS.join(","), "-i", input];
}
