/**
 * The JSON the fake yt-dlp prints, built on the recorded real outputs in tests/fixtures/ytdlp: each answer
 * starts from a real document and only the video-specific fields change, so the bot parses exactly the
 * shapes yt-dlp gives it.
 */
import type { CatalogVideo } from "./fake_youtube_catalog.ts";
import { watchUrl, youtubeLength } from "./fake_youtube_catalog.ts";

type Json = Record<string, unknown>;

const FIXTURES = new URL("../fixtures/ytdlp/", import.meta.url);
// The video every fixture was recorded with; its id is replaced wherever it appears.
const FIXTURE_VIDEO_ID = "dQw4w9WgXcQ";

/** A flat search, playlist or radio answer. */
export type FlatKind = "search" | "playlist" | "radio";

const FLAT_FIXTURES: Record<FlatKind, string> = {
  search: "search_flat.json",
  playlist: "playlist_flat.json",
  radio: "radio_flat.json",
};

/** `-J --no-playlist` of one video, shaped like video.json. */
export async function videoJson(video: CatalogVideo): Promise<Json> {
  const text = await fixtureText("video.json");
  const json = JSON.parse(text.replaceAll(FIXTURE_VIDEO_ID, video.id)) as Json;
  const formats = (json.formats as Json[]).map((format) => ({ ...format, url: video.mediaUrl }));
  return {
    ...json,
    title: video.title,
    fulltitle: video.title,
    duration: video.durationSeconds,
    duration_string: youtubeLength(video.durationSeconds),
    formats,
    url: video.mediaUrl,
    epoch: epoch(),
    // A live video has no length, as yt-dlp reports it.
    ...(video.live ? { is_live: true, live_status: "is_live", duration: null, duration_string: null } : {}),
  };
}

/** `-J --no-playlist` of a SoundCloud or Bandcamp track: the video document with that site's identity. */
export async function siteJson(
  video: CatalogVideo,
  site: { name: "soundcloud" | "bandcamp"; pageUrl: string },
): Promise<Json> {
  const json = await videoJson(video);
  const extractor = site.name === "soundcloud"
    ? { extractor: "soundcloud", extractor_key: "Soundcloud" }
    : { extractor: "Bandcamp", extractor_key: "Bandcamp" };
  return {
    ...json,
    ...extractor,
    id: video.id,
    display_id: video.id,
    webpage_url: site.pageUrl,
    original_url: site.pageUrl,
    webpage_url_domain: new URL(site.pageUrl).hostname,
  };
}

/** `--flat-playlist -J` of a search, playlist or radio, shaped like the matching fixture. */
export async function flatJson(
  kind: FlatKind,
  fields: { id: string; title: string; webpageUrl: string; count: number },
  videos: readonly CatalogVideo[],
): Promise<Json> {
  const template = JSON.parse(await fixtureText(FLAT_FIXTURES[kind])) as Json;
  return {
    ...template,
    id: fields.id,
    title: fields.title,
    webpage_url: fields.webpageUrl,
    original_url: fields.webpageUrl,
    playlist_count: fields.count,
    entries: videos.map(flatEntry),
    epoch: epoch(),
  };
}

/** One `_type: "url"` entry of a flat list, with the fields real entries have. */
export function flatEntry(video: CatalogVideo): Json {
  return {
    _type: "url",
    ie_key: "Youtube",
    id: video.id,
    url: watchUrl(video.id),
    title: video.title,
    description: null,
    duration: video.durationSeconds,
    channel_id: "UCfakefakefakefakefake00",
    channel: "Fake Channel",
    channel_url: "https://www.youtube.com/channel/UCfakefakefakefakefake00",
    thumbnails: [{ url: `https://i.ytimg.com/vi/${video.id}/hqdefault.jpg`, height: 270, width: 480 }],
    timestamp: null,
    release_timestamp: null,
    availability: null,
    view_count: 1000,
    live_status: video.live ? "is_live" : null,
    __x_forwarded_for_ip: null,
  };
}

async function fixtureText(name: string): Promise<string> {
  return await Deno.readTextFile(new URL(name, FIXTURES));
}

function epoch(): number {
  return Math.floor(Date.now() / 1000);
}
