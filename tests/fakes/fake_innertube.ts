/**
 * A fake of YouTube's web API (InnerTube) for the one request the bot's in-process search makes:
 * `POST /youtubei/v1/search`. It answers the catalog's search results as `videoRenderer`s in the page shape
 * YouTube serves to its web client, the shape both youtubei.js and yt-dlp read (contents →
 * twoColumnSearchResultsRenderer → primaryContents → sectionListRenderer → itemSectionRenderer).
 * fake_innertube_test.ts checks that the real yt-dlp reads these pages as YouTube's, so the fake is not
 * only what our client expects. Switches make it slow, failing, or changed beyond what a client knows.
 */
import { type Catalog, type CatalogVideo, searchMatches, youtubeLength } from "./fake_youtube_catalog.ts";

/** One search request as the fake received it. */
export interface InnertubeSearchRequest {
  query: string;
  clientName: string;
  /** The encoded search filter (`EgIQAQ%3D%3D` asks for videos only). */
  params?: string;
}

/** How the fake answers searches from now on. */
export type InnertubeBehaviour =
  | { answer: "results"; delayMs?: number }
  /** An HTTP error, as when YouTube rate-limits or breaks. */
  | { answer: "status"; status: number }
  /** A page whose results sit under a renderer no client knows yet, as after a YouTube redesign. */
  | { answer: "unknown-shape" };

/** A running fake. */
export interface FakeInnertube {
  /** What the bot's YOUTUBE_URL is set to. */
  url: string;
  searches: InnertubeSearchRequest[];
  behave(next: InnertubeBehaviour): void;
  close(): Promise<void>;
}

/** Starts the fake on a free loopback port, answering from `catalog`. */
export function startFakeInnertube(catalog: Catalog): FakeInnertube {
  const searches: InnertubeSearchRequest[] = [];
  let behaviour: InnertubeBehaviour = { answer: "results" };
  // Ends slow answers when the fake closes, so a test never waits out a delay it no longer cares about.
  const closing = new AbortController();

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    // yt-dlp reads the home page for the client's settings first, and goes on with its own defaults.
    if (request.method === "GET" && url.pathname === "/") {
      return new Response("<!DOCTYPE html><html><head><title>YouTube</title></head><body></body></html>", {
        headers: { "content-type": "text/html; charset=utf-8" },
      });
    }
    if (request.method !== "POST" || url.pathname !== "/youtubei/v1/search") {
      return new Response("Not Found", { status: 404 });
    }
    const body = await request.json().catch(() => undefined);
    const query = body?.query;
    const clientName = body?.context?.client?.clientName;
    if (typeof query !== "string" || typeof clientName !== "string") {
      return Response.json(apiError(400, "Request contains an invalid argument."), { status: 400 });
    }
    searches.push({ query, clientName, ...(typeof body.params === "string" ? { params: body.params } : {}) });
    const now = behaviour;
    switch (now.answer) {
      case "status":
        return Response.json(apiError(now.status, "The service is currently unavailable."), {
          status: now.status,
        });
      case "unknown-shape":
        return Response.json(searchPage(searchMatches(catalog, query), "futureVideoCardViewModel"));
      case "results":
        if (now.delayMs) await delay(now.delayMs, closing.signal);
        return Response.json(searchPage(searchMatches(catalog, query), "videoRenderer"));
    }
  }

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handle);
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    searches,
    behave: (next) => void (behaviour = next),
    close: () => {
      closing.abort();
      return server.shutdown();
    },
  };
}

/** Waits `ms`, or less if `signal` aborts first. */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/** A search results page as YouTube's web client receives it, trimmed of tracking and layout data. */
function searchPage(videos: CatalogVideo[], renderer: string): Record<string, unknown> {
  return {
    responseContext: {
      serviceTrackingParams: [{ service: "GFEEDBACK", params: [{ key: "logged_in", value: "0" }] }],
      visitorData: "CgtmYWtlVmlzaXRvcijQ0ZS5Bg%3D%3D",
    },
    estimatedResults: String(videos.length * 1000),
    contents: {
      twoColumnSearchResultsRenderer: {
        primaryContents: {
          sectionListRenderer: {
            contents: [
              {
                itemSectionRenderer: {
                  contents: videos.map((video) => ({ [renderer]: videoRenderer(video) })),
                  trackingParams: "CAAQuy8iEwiA",
                },
              },
            ],
            trackingParams: "CAEQui8iEwiA",
          },
        },
      },
    },
    trackingParams: "CAAQvGkiEwiA",
    topbar: {},
    refinements: [],
  };
}

/** One result: the fields YouTube sends for a video in search (title, channel, length, link, badges). */
function videoRenderer(video: CatalogVideo): Record<string, unknown> {
  const length = youtubeLength(video.durationSeconds);
  const channel = {
    runs: [{
      text: "Fake Channel",
      navigationEndpoint: {
        commandMetadata: {
          webCommandMetadata: { url: "/@fakechannel", webPageType: "WEB_PAGE_TYPE_CHANNEL", rootVe: 3611 },
        },
        browseEndpoint: { browseId: "UCfakefakefakefakefake00", canonicalBaseUrl: "/@fakechannel" },
      },
    }],
  };
  return {
    videoId: video.id,
    thumbnail: {
      thumbnails: [{ url: `https://i.ytimg.com/vi/${video.id}/hq720.jpg`, width: 360, height: 202 }],
    },
    title: {
      runs: [{ text: video.title }],
      accessibility: { accessibilityData: { label: `${video.title} ${length}` } },
    },
    longBylineText: channel,
    ownerText: channel,
    shortBylineText: channel,
    publishedTimeText: { simpleText: "2 years ago" },
    ...(video.live ? {} : {
      lengthText: {
        accessibility: { accessibilityData: { label: `${video.durationSeconds} seconds` } },
        simpleText: length,
      },
    }),
    viewCountText: { simpleText: "1,000 views" },
    navigationEndpoint: {
      commandMetadata: {
        webCommandMetadata: { url: `/watch?v=${video.id}`, webPageType: "WEB_PAGE_TYPE_WATCH", rootVe: 3832 },
      },
      watchEndpoint: { videoId: video.id },
    },
    badges: video.live
      ? [{ metadataBadgeRenderer: { style: "BADGE_STYLE_TYPE_LIVE_NOW", label: "LIVE" } }]
      : [],
    thumbnailOverlays: [{
      thumbnailOverlayTimeStatusRenderer: video.live
        ? { text: { runs: [{ text: "LIVE" }] }, style: "LIVE" }
        : { text: { simpleText: length }, style: "DEFAULT" },
    }],
    trackingParams: "CAUQ3DAYACITCI",
  };
}

function apiError(code: number, message: string): Record<string, unknown> {
  return { error: { code, message, status: code === 400 ? "INVALID_ARGUMENT" : "UNAVAILABLE" } };
}
