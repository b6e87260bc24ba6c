/** What the main thread asks the resolver worker, and what it can answer. */
import type { SkipSegment } from "../skip_segments.ts";
import type { TrackInfo, TrackSource } from "../track.ts";
import type { YtdlpOperatorOptions } from "../sources/ytdlp_operator.ts";
import type { Failed } from "./worker_protocol.ts";
import type { HelperSettings } from "../sources/ytdlp_helper.ts";

/** Fixed for the worker's life; sent once when it starts. */
export interface ResolverSettings extends HelperSettings {
  ytdlpPath: string;
  /** The operator's cookies file and extra yt-dlp arguments. */
  ytdlpOperator: YtdlpOperatorOptions;
  allowPrivateUrls: boolean;
  playlistLimit: number;
  /** Longer tracks are refused (one asked for) or left out (a playlist's); no cap when unset. */
  maxTrackSeconds?: number;
  spotify: {
    clientId?: string;
    clientSecret?: string;
    apiUrl: string;
    accountsUrl: string;
    embedUrl: string;
  };
  /** YouTube's web address, where searches go in process (a stand-in's in tests). */
  youtubeUrl: string;
  /** Deno KV file that remembers Spotify → YouTube matches. */
  kvPath: string;
  /** SponsorBlock's address, where non-music parts of YouTube videos are looked up; unset: off. */
  sponsorBlockUrl?: string;
}

export type ResolverRequest =
  /** Whatever a user typed into /play: a link or search words. */
  | { kind: "resolve"; query: string; owner?: string }
  /** Autocomplete suggestions while typing. */
  | { kind: "suggest"; text: string }
  /** A Spotify track to a YouTube video, just before it is prepared. */
  | { kind: "match"; source: Extract<TrackSource, { kind: "spotify" }> }
  /** Recommendations seeded by a played video, for autoplay. */
  | { kind: "radio"; videoId: string }
  /** The non-music parts of a YouTube video, to skip. */
  | { kind: "segments"; videoId: string; durationSeconds?: number };

export type ResolverAnswer =
  /** `note` tells the user about a limit that applied (a capped playlist, say). */
  | { outcome: "tracks"; tracks: TrackInfo[]; note?: string }
  | { outcome: "suggestions"; suggestions: { title: string; url: string }[] }
  | { outcome: "matched"; source: Extract<TrackSource, { kind: "youtube" }> }
  /** `segments` absent: SponsorBlock is off or could not be asked. */
  | { outcome: "segments"; segments?: SkipSegment[] }
  /** Nothing was found; `message` says so in the user's terms. */
  | { outcome: "empty"; message: string }
  | Failed;
