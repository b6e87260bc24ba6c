/**
 * A stand-in for the yt-dlp executable that serves a fake YouTube from a catalog file (named by
 * FAKE_YOUTUBE_CATALOG): searches, video metadata, playlists, radio mixes and downloads, with yt-dlp's own
 * output shapes and error lines. Anything that is not YouTube goes to the real yt-dlp unchanged. Every run
 * is logged, so tests can count what the bot asked for.
 *
 * Run as: deno run --allow-all fake_ytdlp.ts ARGS...
 */
import {
  type Catalog,
  CATALOG_ENV,
  FIRST_JS_RUNTIMES_VERSION,
  radioOf,
  searchMatches,
  siteVideoByUrl,
  videoById,
  watchUrl,
} from "./fake_youtube_catalog.ts";
import { classifyRequest, type FakeYtdlpRequest, selectItems } from "./fake_ytdlp_args.ts";
import { flatJson, siteJson, videoJson } from "./fake_ytdlp_output.ts";
import { proxiedGet } from "./proxied_download.ts";

/** One line of the invocation log. */
export interface LoggedInvocation {
  args: string[];
  request: FakeYtdlpRequest;
  /** "helper" when the bot's warm helper ran it (through the fake yt_dlp package), else a one-off run. */
  via: "helper" | "run";
}

/** A run that ends like a failed yt-dlp: this text on stderr, this exit code. */
class YtdlpFailure extends Error {
  constructor(message: string, readonly code = 1) {
    super(message);
  }
}

/** Answers one command line; returns the exit code. */
export async function runFakeYtdlp(args: string[]): Promise<number> {
  const catalogPath = Deno.env.get(CATALOG_ENV);
  if (catalogPath === undefined) return await runReal("yt-dlp", args);
  const catalog = JSON.parse(await Deno.readTextFile(catalogPath)) as Catalog;
  const request = classifyRequest(args);
  const via = Deno.env.get("FAKE_YTDLP_VIA") === "helper" ? "helper" : "run";
  const line: LoggedInvocation = { args, request, via };
  await Deno.writeTextFile(catalog.logPath, JSON.stringify(line) + "\n", { append: true });
  if (catalog.version !== undefined) {
    // An old yt-dlp stops at an option it does not know, before doing anything else.
    if (catalog.version < FIRST_JS_RUNTIMES_VERSION && args.some((arg) => arg.startsWith("--js-runtimes"))) {
      console.error("Usage: yt-dlp [OPTIONS] URL [URL...]\n\nyt-dlp: error: no such option: --js-runtimes");
      return 2;
    }
    if (request.kind === "version") return (console.log(catalog.version), 0);
  }
  if (request.kind === "passthrough" || request.kind === "version") {
    return await runReal(catalog.realYtdlp, args);
  }
  try {
    await answer(catalog, request);
    return 0;
  } catch (error) {
    if (!(error instanceof YtdlpFailure)) throw error;
    console.error(error.message);
    return error.code;
  }
}

async function answer(catalog: Catalog, request: Exclude<FakeYtdlpRequest, { kind: "passthrough" }>) {
  switch (request.kind) {
    case "search": {
      const found = searchMatches(catalog, request.text).slice(0, request.count);
      const webpageUrl = `ytsearch${request.count}:${request.text}`;
      const fields = { id: request.text, title: request.text, webpageUrl, count: found.length };
      return print(await flatJson("search", fields, found));
    }
    case "video":
      return print(await videoJson(knownVideo(catalog, request.videoId)));
    case "playlist": {
      const playlist = catalog.playlists.find((candidate) => candidate.id === request.listId);
      if (playlist === undefined) {
        throw new YtdlpFailure(
          `ERROR: [youtube:tab] ${request.listId}: YouTube said: The playlist does not exist.`,
        );
      }
      const videos = playlist.videoIds.map((id) => knownVideo(catalog, id));
      const webpageUrl = `https://www.youtube.com/playlist?list=${playlist.id}`;
      const fields = { id: playlist.id, title: playlist.title, webpageUrl, count: videos.length };
      return print(await flatJson("playlist", fields, selectItems(videos, request.items)));
    }
    case "radio": {
      const seed = knownVideo(catalog, request.seedId);
      const mix = radioOf(catalog, seed);
      const webpageUrl = `${watchUrl(seed.id)}&list=RDAMVM${seed.id}`;
      const fields = { id: `RDAMVM${seed.id}`, title: `Mix - ${seed.title}`, webpageUrl, count: mix.length };
      return print(await flatJson("radio", fields, selectItems(mix, request.items)));
    }
    case "download":
      return await download(knownVideo(catalog, request.videoId).mediaUrl, request.output, request.proxy);
    case "site": {
      const video = siteVideoByUrl(catalog, request.url);
      if (video?.site === undefined) {
        throw new YtdlpFailure(
          `ERROR: [${siteOf(request.url)}] Unable to download JSON metadata: HTTP Error 404: Not Found`,
        );
      }
      if (request.output !== undefined) return await download(video.mediaUrl, request.output, request.proxy);
      return print(await siteJson(video, video.site));
    }
    case "unsupported":
      throw new YtdlpFailure(`ERROR: Unsupported URL: ${request.url}`);
  }
}

function siteOf(url: string): string {
  return /bandcamp/.test(url) ? "Bandcamp" : "soundcloud";
}

function knownVideo(catalog: Catalog, videoId: string) {
  const video = videoById(catalog, videoId);
  if (video === undefined) throw new YtdlpFailure(`ERROR: [youtube] ${videoId}: Video unavailable`);
  return video;
}

/** Fetches the media like yt-dlp would: through the proxy it was given, straight to the output path. */
async function download(mediaUrl: string, output: string, proxy: string | undefined): Promise<void> {
  let answer;
  try {
    answer = await proxiedGet(mediaUrl, proxy);
  } catch (error) {
    throw new YtdlpFailure(`ERROR: unable to download video data: <urlopen error ${String(error)}>`);
  }
  if (answer.status !== 200) {
    throw new YtdlpFailure(
      `ERROR: unable to download video data: HTTP Error ${answer.status}: ${answer.statusText}`,
    );
  }
  await Deno.writeFile(output, answer.body);
}

function print(json: unknown): void {
  console.log(JSON.stringify(json));
}

/** Runs the real yt-dlp with the same arguments and streams, and returns its exit code. */
async function runReal(ytdlp: string, args: string[]): Promise<number> {
  const command = new Deno.Command(ytdlp, { args, stdin: "inherit", stdout: "inherit", stderr: "inherit" });
  return (await command.spawn().status).code;
}

if (import.meta.main) Deno.exit(await runFakeYtdlp(Deno.args));
