/**
 * Command lines for yt-dlp. Every user-supplied value goes after `--`, or behind a `ytsearchN:` prefix, so
 * nothing a user types can be read as an option (a "song" called `--exec rm -rf ~`).
 */

/** Settings shared by every yt-dlp run. */
export interface YtdlpCommonOptions {
  /** The egress proxy every connection must pass (`--proxy`). */
  proxy?: string;
  /** Where yt-dlp may cache YouTube player code; without it, caching is off. */
  cacheDir?: string;
  /** Per-connection inactivity limit. */
  socketTimeoutSeconds?: number;
  /** The Deno yt-dlp runs YouTube's player code with (`--js-runtimes deno:PATH`); only for versions that know it. */
  denoPath?: string;
  /** A cookies file (`--cookies`). */
  cookiesPath?: string;
  /** The operator's checked extra arguments; they come first on every line, so the bot's own settings win. */
  extraArgs?: readonly string[];
}

/** Settings of an audio download. */
export interface DownloadOptions extends YtdlpCommonOptions {
  /** Refuse files larger than this many bytes (when the size is announced). */
  maxFilesizeBytes?: number;
}

/**
 * Preferred audio: Opus needs no re-encode for Discord; then any audio-only stream; then anything; each
 * fetched over HTTP(S) only (plain or in DASH segments), never HLS playlists, RTMP or other protocols that
 * would hand yt-dlp or ffmpeg a list of further places to read.
 */
export const AUDIO_FORMAT =
  "bestaudio[acodec=opus][protocol^=http]/bestaudio[protocol^=http]/best[protocol^=http]";
/** Upper bound on search results (Discord shows at most 25 autocomplete choices). */
export const MAX_SEARCH_RESULTS = 25;
const DEFAULT_SOCKET_TIMEOUT_SECONDS = 20;
const DEFAULT_MAX_FILESIZE_BYTES = 300 * 1024 * 1024;

/**
 * Flags every run gets: no user or system config files (an operator's `--exec` in ~/.config must not
 * run for strangers), no colours or warnings in output we parse, and a bounded socket wait.
 */
export function commonArgs(options: YtdlpCommonOptions = {}): string[] {
  const args = ["--ignore-config", "--no-warnings", "--no-colors"];
  args.push("--socket-timeout", String(options.socketTimeoutSeconds ?? DEFAULT_SOCKET_TIMEOUT_SECONDS));
  args.push(...(options.cacheDir === undefined ? ["--no-cache-dir"] : ["--cache-dir", options.cacheDir]));
  if (options.proxy !== undefined) args.push("--proxy", options.proxy);
  if (options.denoPath !== undefined) args.push("--js-runtimes", `deno:${options.denoPath}`);
  if (options.cookiesPath !== undefined) args.push("--cookies", options.cookiesPath);
  return args;
}

/** A YouTube search, one result page, no per-video extraction. */
export function searchArgs(text: string, count: number, options?: YtdlpCommonOptions): string[] {
  const n = clampCount(count, MAX_SEARCH_RESULTS);
  return [
    ...operatorArgs(options),
    "--flat-playlist",
    "-J",
    ...commonArgs(options),
    "--",
    `ytsearch${n}:${text}`,
  ];
}

/** Full metadata of one video or direct link, ignoring any playlist it belongs to. */
export function metadataArgs(url: string, options?: YtdlpCommonOptions): string[] {
  // The audio format the download would pick, so the info names its URL and one extraction serves both.
  return [
    ...operatorArgs(options),
    "-J",
    "--no-playlist",
    "-f",
    AUDIO_FORMAT,
    ...commonArgs(options),
    "--",
    url,
  ];
}

/**
 * The first `limit` entries of a playlist, without visiting each video. `--playlist-items 1:N` rather than
 * `--playlist-end N`, which yt-dlp keeps only as an undocumented compatibility alias.
 */
export function playlistArgs(url: string, limit: number, options?: YtdlpCommonOptions): string[] {
  const items = `1:${clampCount(limit, Number.MAX_SAFE_INTEGER)}`;
  return [
    ...operatorArgs(options),
    "--flat-playlist",
    "-J",
    "--yes-playlist",
    "--playlist-items",
    items,
    ...commonArgs(options),
    "--",
    url,
  ];
}

/** The YouTube radio mix seeded by a video (the "RDAMVM" list YouTube Music plays after a song). */
export function radioArgs(videoId: string, limit: number, options?: YtdlpCommonOptions): string[] {
  if (!/^[A-Za-z0-9_-]{11}$/.test(videoId)) throw new Error(`Not a YouTube video id: "${videoId}"`);
  return playlistArgs(radioUrl(videoId), limit, options);
}

/** The watch URL of a video's radio mix. */
export function radioUrl(videoId: string): string {
  return `https://www.youtube.com/watch?v=${videoId}&list=RDAMVM${videoId}`;
}

/**
 * Downloads one item's audio to exactly `outputPath`.
 *
 * `--no-part` and `--force-overwrites` keep the file at that path whatever happens (the cache writes to a
 * temporary name and renames it); `--no-mtime` keeps the server's Last-Modified out of the cache's file
 * times. A file over `--max-filesize` is skipped with exit code 0 and nothing written: check the file exists.
 */
export function downloadArgs(url: string, outputPath: string, options: DownloadOptions = {}): string[] {
  const maxBytes = options.maxFilesizeBytes ?? DEFAULT_MAX_FILESIZE_BYTES;
  return [
    ...operatorArgs(options),
    ...["-f", AUDIO_FORMAT, "--no-playlist", "--quiet", "--no-progress"],
    ...["--no-part", "--force-overwrites", "--no-mtime", "--max-filesize", String(maxBytes)],
    ...["--retries", "3", "--fragment-retries", "3"],
    // "%" starts an output template field; a literal path must escape it.
    ...["-o", outputPath.replaceAll("%", "%%")],
    ...commonArgs(options),
    "--",
    url,
  ];
}

/**
 * Streams one live item's audio to stdout as it comes (`-o -`); HLS, which live video uses, is written as
 * MPEG-TS, the one container that can be read from a pipe while it grows.
 */
export function liveStreamArgs(url: string, options: YtdlpCommonOptions = {}): string[] {
  return [
    ...operatorArgs(options),
    ...["-f", AUDIO_FORMAT, "--no-playlist", "--quiet", "--no-progress", "--hls-use-mpegts"],
    ...["-o", "-"],
    ...commonArgs(options),
    "--",
    url,
  ];
}

/** The operator's arguments, which go before all of the bot's own: yt-dlp keeps the last value it is given. */
function operatorArgs(options: YtdlpCommonOptions | undefined): readonly string[] {
  return options?.extraArgs ?? [];
}

function clampCount(count: number, max: number): number {
  if (!Number.isFinite(count)) return 1;
  return Math.min(max, Math.max(1, Math.trunc(count)));
}
