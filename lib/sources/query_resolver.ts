/**
 * The resolver worker's work: what a /play query names (search words, YouTube, Spotify, any media link),
 * autocomplete suggestions, Spotify-to-YouTube matches and autoplay radio. It never touches voice.
 */
import type { ResolverAnswer, ResolverRequest, ResolverSettings } from "../channels/resolver_messages.ts";
import type { TrackInfo } from "../track.ts";
import { UserError } from "../user_error.ts";
import {
  assertLengthAllowed,
  capMinutes,
  DEFAULT_TRACK_CAPS,
  lengthAllowed,
  type TrackCaps,
} from "../audio/track_caps.ts";
import type { AddressPolicy } from "./address_guard.ts";
import { assertFetchable } from "./address_guard.ts";
import { guardedYtdlpJson, ytdlpVersion } from "./guarded_ytdlp.ts";
import { probeDirectMedia } from "./direct_media.ts";
import { startYtdlpHelper } from "./ytdlp_helper.ts";
import { classifyQuery, type Query } from "./query_kind.ts";
import { FallbackSearch } from "./fallback_search.ts";
import { SearchCache, searchKey } from "./search_cache.ts";
import { createSpotifyResolver } from "./spotify_resolver.ts";
import { createSpotifyMatcher } from "./spotify_matcher.ts";
import { createSpotifyMatchMemory } from "./spotify_match_memory.ts";
import { metadataArgs, playlistArgs, radioArgs, searchArgs } from "./ytdlp_args.ts";
import { choiceName, trackFromVideoJson, tracksFromPlaylistJson } from "./ytdlp_output.ts";
import { createYoutubeSearch } from "./youtube_search.ts";
import { createSegmentFinder } from "./segment_finder.ts";
import { assertYoutubeReady, versionLogLine } from "./ytdlp_version.ts";
import { workerReadings } from "../metrics/worker_stats.ts";

const YTDLP_TIMEOUT_MS = 45_000;
const SUGGESTIONS = 5;
const RADIO_LENGTH = 25;
/** Network trouble, time-outs and rate limits may pass; a missing video or an old yt-dlp will not. */
const TEMPORARY = /try again|took too long|couldn't reach|couldn't connect|rate-limit/i;

/** Builds the handler for the resolver worker from its settings. */
export async function createQueryResolver(settings: ResolverSettings) {
  const policy: AddressPolicy = { allowPrivate: settings.allowPrivateUrls };
  // Started now, so the first link finds yt-dlp imported and warm.
  const helper = await startYtdlpHelper(settings);
  const version = ytdlpVersion(settings.ytdlpPath, helper);
  // Said once at start-up, so an owner sees why YouTube fails before anyone asks for a song.
  version.then((found) => {
    const line = versionLogLine(found);
    (line.level === "warn" ? console.warn : console.info)(line.text);
  });
  const youtubeReady = async () => assertYoutubeReady(await version);
  const ytdlp = (build: Parameters<typeof guardedYtdlpJson>[0], signal: AbortSignal, owner?: string) =>
    guardedYtdlpJson(build, {
      ytdlpPath: settings.ytdlpPath,
      operator: settings.ytdlpOperator,
      policy,
      helper,
      timeoutMs: YTDLP_TIMEOUT_MS,
      signal,
      owner,
    });
  const spotify = createSpotifyResolver({ ...settings.spotify, log: (line) => console.warn(line) });
  const suggestions = new SearchCache<ResolverAnswer>({ maxEntries: 500, ttlMs: 10 * 60_000 });
  const suggestedVideos = new SearchCache<TrackInfo>({ maxEntries: 2_500, ttlMs: 30 * 60_000 });
  // Asking again for a song is common; its metadata need not be fetched again, and playing starts sooner.
  const resolutions = new SearchCache<ResolverAnswer>({ maxEntries: 1000, ttlMs: 30 * 60_000 });
  // A search in process costs one request; through yt-dlp it also costs a process start (0.5-2.8 s on a
  // small box). Suggestions must keep up with typing, and a searched or Spotify song starts that much
  // sooner; yt-dlp answers when the in-process search fails.
  const youtubeSearch = new FallbackSearch({
    fast: createYoutubeSearch({ baseUrl: settings.youtubeUrl }),
    sure: (text, count, signal) =>
      ytdlp((common) => searchArgs(text, count, common), signal).then(tracksFromPlaylistJson),
  });
  workerReadings.searchFallback = () => !youtubeSearch.trustsFastSource;
  const search = async (text: string, count: number, signal: AbortSignal, sureOnEmpty = true) => {
    // An old yt-dlp could not play what is found: say so before searching at all.
    await youtubeReady();
    return await youtubeSearch.search(text, count, signal, { sureOnEmpty });
  };
  const segments = createSegmentFinder(settings.sponsorBlockUrl);
  const matcher = createSpotifyMatcher({
    memory: createSpotifyMatchMemory(await Deno.openKv(settings.kvPath)),
    search: (text) => search(text, SUGGESTIONS, AbortSignal.timeout(YTDLP_TIMEOUT_MS)),
  });

  async function resolve(query: Query, signal: AbortSignal, owner?: string): Promise<ResolverAnswer> {
    switch (query.kind) {
      case "search": {
        const [best] = await search(query.text, 1, signal);
        return best ? tracks([best]) : { outcome: "empty", message: `I found nothing for "${query.text}".` };
      }
      case "youtube-video": {
        // A video picked from autocomplete was just seen in a search: no second extraction needed.
        const suggested = suggestedVideos.peek(query.url);
        if (suggested) return tracks([suggested]);
        await youtubeReady();
        return tracks([
          trackFromVideoJson(await ytdlp((c) => metadataArgs(query.url, c), signal, owner), query.url),
        ]);
      }
      case "youtube-playlist":
        await youtubeReady();
        return playlist(
          tracksFromPlaylistJson(
            await ytdlp((c) => playlistArgs(query.url, settings.playlistLimit + 1, c), signal, owner),
          ),
          settings.playlistLimit,
        );
      case "spotify": {
        const resolution = await spotify.resolve(query, settings.playlistLimit);
        return { outcome: "tracks", ...resolution };
      }
      case "site":
        return tracks([
          trackFromVideoJson(await ytdlp((c) => metadataArgs(query.url, c), signal, owner), query.url),
        ]);
      case "http": {
        // Checked before any request, so a private link costs none at all.
        await assertFetchable(query.url, policy);
        // A media file is played as it is: no yt-dlp to start, its length comes while it streams.
        const direct = await probeDirectMedia(query.url, policy, signal);
        if (direct) return tracks([direct]);
        return tracks([
          trackFromVideoJson(
            await ytdlp((c) => metadataArgs(query.url.href, c), signal, owner),
            query.url.href,
          ),
        ]);
      }
    }
  }

  const caps = { ...DEFAULT_TRACK_CAPS, maxTrackSeconds: settings.maxTrackSeconds ?? Infinity };

  async function handle(request: ResolverRequest, signal: AbortSignal): Promise<ResolverAnswer> {
    switch (request.kind) {
      case "resolve":
        return withinLength(
          await resolutions.get(
            request.query.trim(),
            async (query) => segments.addTo(await resolve(classifyQuery(query), signal, request.owner)),
          ),
          caps,
        );
      case "suggest":
        return await suggestions.get(searchKey(request.text), async () => {
          const found = await search(request.text, SUGGESTIONS, signal, false);
          for (const track of found) suggestedVideos.get(track.url, () => Promise.resolve(track));
          return {
            outcome: "suggestions",
            suggestions: found.map((track) => ({ title: choiceName(track), url: track.url })),
          };
        });
      case "match": {
        const source = await matcher.match(request.source);
        return source ? { outcome: "matched", source } : {
          outcome: "empty",
          message: `I couldn't find "${request.source.title}" on YouTube.`,
        };
      }
      case "radio":
        await youtubeReady();
        // Autoplay picks are held to the length cap like anyone's request.
        return withinLength(
          await segments.addTo(tracks(
            tracksFromPlaylistJson(await ytdlp((c) => radioArgs(request.videoId, RADIO_LENGTH, c), signal)),
          )),
          caps,
        );
      case "segments":
        return {
          outcome: "segments",
          ...await segments.of(request.videoId, request.durationSeconds, signal),
        };
    }
  }

  return async (request: ResolverRequest, signal: AbortSignal): Promise<ResolverAnswer> => {
    try {
      return await handle(request, signal);
    } catch (error) {
      if (error instanceof UserError) {
        const temporary = TEMPORARY.test(error.message);
        return { outcome: "failed", message: error.message, userFacing: true, temporary };
      }
      throw error;
    }
  };
}

/**
 * The operator's longest track: one track over it is refused with the cap named, a playlist's are left out
 * with a note (the transcoder checks again the lengths only a download reveals).
 */
export function withinLength(answer: ResolverAnswer, caps: TrackCaps): ResolverAnswer {
  if (answer.outcome !== "tracks") return answer;
  const kept = answer.tracks.filter((track) => lengthAllowed(track.durationSeconds, caps));
  if (kept.length === answer.tracks.length) return answer;
  if (answer.tracks.length === 1) assertLengthAllowed(answer.tracks[0].durationSeconds, caps);
  const cut = answer.tracks.length - kept.length;
  const note = `${cut} track${cut === 1 ? " is" : "s are"} longer than ${capMinutes(caps)} ` +
    `and ${cut === 1 ? "was" : "were"} left out.`;
  if (kept.length === 0) {
    return {
      outcome: "empty",
      message: `Every track there is longer than ${capMinutes(caps)}, the longest I play.`,
    };
  }
  return { outcome: "tracks", tracks: kept, note: answer.note ? `${answer.note} ${note}` : note };
}

function tracks(list: TrackInfo[]): ResolverAnswer {
  return list.length > 0
    ? { outcome: "tracks", tracks: list }
    : { outcome: "empty", message: "That had nothing I can play." };
}

/** One more entry than the limit is fetched, so the reply can say when the cap cut a playlist short. */
function playlist(list: TrackInfo[], limit: number): ResolverAnswer {
  if (list.length <= limit) return tracks(list);
  const note = `The playlist is longer; I queued the first ${limit} tracks.`;
  return { outcome: "tracks", tracks: list.slice(0, limit), note };
}
