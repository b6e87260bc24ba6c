/**
 * A fake YouTube for end-to-end tests: tones on the world's media server dressed up as videos, playlists,
 * radio mixes and search results, served to the bot by a fake yt-dlp (fake_ytdlp.ts) that the bot runs
 * as its YTDLP_PATH, and by a fake of YouTube's web API (fake_innertube.ts) at its YOUTUBE_URL, where
 * searches go. Non-YouTube links still reach the real yt-dlp.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { addTone, addToneSteps } from "../e2e/media_library.ts";
import type { TestWorld } from "../e2e/test_world.ts";
import {
  type Catalog,
  CATALOG_ENV,
  type CatalogPlaylist,
  type CatalogVideo,
} from "./fake_youtube_catalog.ts";
import { watchUrl } from "./fake_youtube_catalog.ts";
import { type FakeInnertube, startFakeInnertube } from "./fake_innertube.ts";
import type { FakeYtdlpRequest } from "./fake_ytdlp_args.ts";
import type { LoggedInvocation } from "./fake_ytdlp.ts";

export type { LoggedInvocation } from "./fake_ytdlp.ts";

/** A video to make: a sine tone of `frequencyHz` lasting `seconds`. */
export interface FakeVideoSpec {
  /** 11 characters of [A-Za-z0-9_-]. */
  id: string;
  title: string;
  frequencyHz: number;
  seconds: number;
  /** The length YouTube lists, when a test needs it to differ from the tone's (duration matching). */
  listedSeconds?: number;
  /** Makes it a SoundCloud or Bandcamp track at this page instead of a YouTube video. */
  site?: CatalogVideo["site"];
  /** Makes it a live stream, which searches list but nobody can queue. */
  live?: true;
  /** A tone that changes: each [frequency, seconds] in turn, instead of `frequencyHz` for `seconds`. */
  steps?: [number, number][];
}

/** What the fake YouTube holds. */
export interface FakeYoutubeSpec {
  videos: FakeVideoSpec[];
  playlists?: CatalogPlaylist[];
  /** Seed id → the mix after it; the fake puts the seed first, as YouTube does. */
  radios?: Record<string, string[]>;
  /** Lowercased search words, or "*" for any other search → video ids, best first. */
  searches?: Record<string, string[]>;
  /** The real yt-dlp for non-YouTube links (default: "yt-dlp" on PATH). */
  realYtdlp?: string;
  /** What the fake answers to `--version` (default: the real yt-dlp's answer). */
  version?: string;
  /** How long each yt-dlp search takes (default: no wait). */
  searchDelayMs?: number;
}

const FAKE_YTDLP = fileURLToPath(new URL("./fake_ytdlp.ts", import.meta.url));
/** Where the fake `yt_dlp` package for the bot's warm helper lives (python/yt_dlp/__init__.py). */
const FAKE_YTDLP_MODULE = fileURLToPath(new URL("./python/", import.meta.url));
const VIDEO_ID = /^[A-Za-z0-9_-]{11}$/;

/** A fake YouTube set up in a world; start the bot with `env` to use it. */
export class FakeYoutube {
  private constructor(
    /** YTDLP_PATH, YOUTUBE_URL and FAKE_YOUTUBE_CATALOG, for `world.startBot`. */
    readonly env: Readonly<Record<string, string>>,
    readonly catalog: Readonly<Catalog>,
    /** The web API the in-process search asks. */
    readonly innertube: FakeInnertube,
  ) {}

  /** Makes the tones, writes the catalog and the yt-dlp wrapper script into the world's data folder. */
  static async create(world: TestWorld, spec: FakeYoutubeSpec): Promise<FakeYoutube> {
    const dir = join(world.dataDir, "fake_youtube");
    await Deno.mkdir(dir, { recursive: true });
    const videos = await Promise.all(spec.videos.map((video) => makeVideo(world, video)));
    const catalog: Catalog = {
      videos,
      playlists: spec.playlists ?? [],
      radios: spec.radios ?? {},
      searches: Object.fromEntries(
        Object.entries(spec.searches ?? {}).map(([words, ids]) => [words.toLowerCase(), ids]),
      ),
      logPath: join(dir, "invocations.jsonl"),
      realYtdlp: spec.realYtdlp ?? "yt-dlp",
      ...(spec.version === undefined ? {} : { version: spec.version }),
      ...(spec.searchDelayMs === undefined ? {} : { searchDelayMs: spec.searchDelayMs }),
    };
    checkReferences(catalog);
    const youtube = await FakeYoutube.fromCatalog(dir, catalog);
    world.closeWith(() => youtube.close());
    return youtube;
  }

  /**
   * Writes a catalog and the yt-dlp wrapper into `dir` and starts the web API; for tests with no world (and
   * no media), which must `close()` it.
   */
  static async fromCatalog(dir: string, catalog: Catalog): Promise<FakeYoutube> {
    const catalogPath = join(dir, "catalog.json");
    await Deno.writeTextFile(catalogPath, JSON.stringify(catalog, null, 2));
    const wrapper = join(dir, "yt-dlp");
    await writeWrapper(wrapper, catalogPath);
    const python = join(dir, "python");
    await writePythonWrapper(python, catalogPath);
    const innertube = startFakeInnertube(catalog);
    const env = {
      YTDLP_PATH: wrapper,
      YTDLP_PYTHON: python,
      YOUTUBE_URL: innertube.url,
      [CATALOG_ENV]: catalogPath,
    };
    return new FakeYoutube(env, catalog, innertube);
  }

  /** From now on each video's extraction answers after `ms` (the fake yt-dlp reads its catalog on every run). */
  async answerVideosAfter(ms: number): Promise<void> {
    const catalog = { ...this.catalog, videoDelayMs: ms };
    await Deno.writeTextFile(this.env[CATALOG_ENV], JSON.stringify(catalog, null, 2));
  }

  /** Stops the web API. */
  async close(): Promise<void> {
    await this.innertube.close();
  }

  /** Every run of the fake yt-dlp so far, oldest first. */
  invocations(): LoggedInvocation[] {
    let text: string;
    try {
      text = Deno.readTextFileSync(this.catalog.logPath);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return [];
      throw error;
    }
    return text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line));
  }

  /** The requests of one kind ("search", "download", ...) made so far. */
  requests<K extends FakeYtdlpRequest["kind"]>(kind: K): Extract<FakeYtdlpRequest, { kind: K }>[] {
    return this.invocations().map((run) => run.request).filter(
      (request): request is Extract<FakeYtdlpRequest, { kind: K }> => request.kind === kind,
    );
  }

  /** `https://www.youtube.com/watch?v=ID`. */
  watchUrl(videoId: string): string {
    return watchUrl(videoId);
  }

  /** The catalog entry of a video. */
  video(videoId: string): CatalogVideo {
    const video = this.catalog.videos.find((candidate) => candidate.id === videoId);
    if (video === undefined) throw new Error(`No fake video "${videoId}"`);
    return video;
  }
}

async function makeVideo(world: TestWorld, spec: FakeVideoSpec): Promise<CatalogVideo> {
  if (!VIDEO_ID.test(spec.id) && spec.site === undefined) {
    throw new Error(`"${spec.id}" is not shaped like a YouTube video id`);
  }
  const name = `youtube-${spec.id}.mp3`;
  const mediaUrl = spec.steps
    ? await addToneSteps(world, name, spec.steps)
    : await addTone(world, name, spec.frequencyHz, spec.seconds);
  const durationSeconds = spec.listedSeconds ?? spec.seconds;
  return {
    id: spec.id,
    title: spec.title,
    durationSeconds,
    mediaUrl,
    ...(spec.site ? { site: spec.site } : {}),
    ...(spec.live ? { live: spec.live } : {}),
  };
}

/** A typo in a test's catalog should fail at once, not as a puzzling "Video unavailable" later. */
function checkReferences(catalog: Catalog): void {
  const known = new Set(catalog.videos.map((video) => video.id));
  const lists = [
    ...catalog.playlists.map((playlist) => playlist.videoIds),
    ...Object.entries(catalog.radios).flat(),
    ...Object.values(catalog.searches),
  ].flat();
  const unknown = lists.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new Error(`The fake YouTube has no videos ${JSON.stringify(unknown)}`);
}

/** An extraction the warm helper held: the helper's process id and the URL it was asked for. */
export interface HeldExtraction {
  pid: number;
  url: string;
}

/**
 * Holds every faked extraction of the warm helper until `release` is called (see python/yt_dlp): `held`
 * counts those held so far, `extractions` names them.
 */
export async function holdExtractions(
  youtube: FakeYoutube,
): Promise<{ held: () => number; extractions: () => HeldExtraction[]; release: () => Promise<void> }> {
  const dir = dirname(youtube.catalog.logPath);
  await Deno.writeTextFile(join(dir, "hold"), "");
  return {
    held: () => heldExtractions(dir).length,
    extractions: () => heldExtractions(dir),
    release: () => Deno.remove(join(dir, "hold")),
  };
}

function heldExtractions(dir: string): HeldExtraction[] {
  let text: string;
  try {
    text = Deno.readTextFileSync(join(dir, "held"));
  } catch {
    return [];
  }
  return text.split("\n").filter((line) => line !== "").map((line) => {
    const [pid, url] = line.split(" ");
    return { pid: Number(pid), url };
  });
}

/**
 * The warm helper's Python: the real interpreter with the fake `yt_dlp` package first on its path, told
 * where the catalog is (the bot gives tools no test variables).
 */
async function writePythonWrapper(path: string, catalogPath: string): Promise<void> {
  const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
  const script = `#!/bin/sh\n${CATALOG_ENV}=\${${CATALOG_ENV}:-${quote(catalogPath)}} PYTHONPATH=${
    quote(FAKE_YTDLP_MODULE)
  } exec python3 "$@"\n`;
  await Deno.writeTextFile(path, script, { mode: 0o755 });
}

/**
 * The bot runs yt-dlp as one executable path; a shell script turns that into a Deno run of the fake. It names
 * its catalog itself, so the fake answers also when the environment is not passed on (a version probe).
 */
async function writeWrapper(path: string, catalogPath: string): Promise<void> {
  const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
  const script = `#!/bin/sh\n${CATALOG_ENV}=\${${CATALOG_ENV}:-${quote(catalogPath)}} exec ${
    quote(Deno.execPath())
  } run --quiet --allow-all ${quote(FAKE_YTDLP)} "$@"\n`;
  await Deno.writeTextFile(path, script, { mode: 0o755 });
}
