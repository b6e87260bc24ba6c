import type { SkipSegment } from "./skip_segments.ts";

/** Where a track's audio comes from; the resolver decides, the transcoder fetches. */
export type TrackSource =
  /** A YouTube video, fetched by yt-dlp by id. */
  | { kind: "youtube"; videoId: string }
  /** A track on another site yt-dlp knows (SoundCloud, Bandcamp), fetched by its page URL. */
  | { kind: "site"; site: MusicSite; id: string; url: string }
  /** Any other http(s) media link, fetched by yt-dlp's generic extractor. */
  | { kind: "url"; url: string }
  /** A Spotify track, matched to a YouTube video only when it is about to be prepared. */
  | {
    kind: "spotify";
    trackId: string;
    title: string;
    artists: string[];
    /** From Spotify's Web API (`external_ids`); the match searches by it first. */
    isrc?: string;
    durationSeconds?: number;
  };

/** Sites besides YouTube whose tracks are named by the site's own id. */
export type MusicSite = "soundcloud" | "bandcamp";

/** A media file the resolver already found for a source, fetched directly while it is still valid. */
export interface MediaLocation {
  url: string;
  /** Headers the site wants with it (yt-dlp's `http_headers`). */
  httpHeaders?: Record<string, string>;
  /** Milliseconds since the epoch after which the URL is no longer worth trying. */
  expiresAt?: number;
}

/** What the resolver knows about a playable item, before anyone has asked for it. */
export interface TrackInfo {
  source: TrackSource;
  title: string;
  /** The page to link to in messages. */
  url: string;
  /** Unknown for some direct links and live streams. */
  durationSeconds?: number;
  /** A live stream (a radio stream, a live video): it has no length and is played as it comes, never cached. */
  live?: boolean;
  /**
   * The audio itself, when the resolver's extraction found it: the download then needs no second one.
   * Not saved: after a restart the source is looked up again.
   */
  media?: MediaLocation;
  /**
   * Non-music parts that are jumped over (SponsorBlock), when they were looked up with the track; absent:
   * not known yet (they are then looked up when it is prepared). Not saved.
   */
  skipSegments?: SkipSegment[];
}

/** One request in a guild's queue: a track, who asked for it and when. */
export interface Track extends TrackInfo {
  /** Unique per queue entry, so the same song queued twice is two entries. */
  id: string;
  requesterId: string;
  /** Milliseconds since the epoch. */
  requestedAt: number;
  /** Picked by autoplay rather than a person; yields to any person's request. */
  autoplay?: boolean;
}

/** A stable key for a source, used by the cache and the Spotify match memory. */
export function sourceKey(source: TrackSource): string {
  switch (source.kind) {
    case "youtube":
      return `youtube:${source.videoId}`;
    case "site":
      return `${source.site}:${source.id}`;
    case "url":
      return `url:${source.url}`;
    case "spotify":
      return `spotify:${source.trackId}`;
  }
}
