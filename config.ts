/**
 * The bot's configuration, read once from the environment into a frozen, typed object.
 *
 * Every problem is collected and reported together, so an operator fixes them in one go.
 */
import { join } from "node:path";
import type { TrackCaps } from "./lib/audio/track_caps.ts";
import { DEFAULT_TOOL_JOBS, type ToolJobs } from "./lib/process/tool_caps.ts";
import { parseRate, type RateLimit } from "./lib/limits/rate_limiter.ts";
import { parseYtdlpArgs, type YtdlpOperatorOptions } from "./lib/sources/ytdlp_operator.ts";
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from "./lib/log/log_line.ts";

export interface Config {
  readonly discordToken: string;
  readonly discordApiUrl: string;
  /** Used instead of the URL that GET /gateway/bot returns, when set. */
  readonly discordGatewayUrl?: string;
  readonly dataDir: string;
  readonly cacheDir: string;
  readonly cacheLimitBytes: number;
  /** Target integrated loudness, LUFS. */
  readonly loudnessLufs: number;
  readonly allowPrivateUrls: boolean;
  /** Unset means: the ffmpeg on PATH. */
  readonly ffmpegPath?: string;
  readonly ytdlpPath: string;
  /** Whether YTDLP_PATH chose yt-dlp; otherwise the bot may install and update its own. */
  readonly ytdlpPathSet: boolean;
  /** TRAZOM_YTDLP_UPDATE and TRAZOM_PIP_INDEX_URL, for the bot's own yt-dlp. */
  readonly ownYtdlp: { readonly update: "daily" | "off"; readonly pipIndexUrl?: string };
  /** YTDLP_COOKIES and YTDLP_ARGS, for every yt-dlp run. */
  readonly ytdlpOperator: YtdlpOperatorOptions;
  /** TRAZOM_YTDLP_HELPER: warm yt-dlp helpers (on by default); off runs yt-dlp once per request. */
  readonly ytdlpHelper: boolean;
  /** YTDLP_PYTHON: the Python that imports yt_dlp for the helpers; unset, yt-dlp's own (or python3). */
  readonly ytdlpPython?: string;
  /** TRAZOM_LOOK_AHEAD: the top suggestion's audio address is looked up once the words settle (on by default). */
  readonly lookAhead: boolean;
  readonly spotify: {
    readonly clientId?: string;
    readonly clientSecret?: string;
    readonly apiUrl: string;
    readonly accountsUrl: string;
    readonly embedUrl: string;
  };
  /** YouTube's web address (YOUTUBE_URL), for the in-process search. */
  readonly youtubeUrl: string;
  /** Where non-music parts of YouTube videos are looked up (SPONSORBLOCK_URL); unset: TRAZOM_SPONSORBLOCK=off. */
  readonly sponsorBlockUrl?: string;
  /** LRCLIB's address (LRCLIB_URL), where /lyrics looks. */
  readonly lrclibUrl: string;
  /** How many upcoming tracks are kept ready to play. */
  readonly prefetch: number;
  readonly playlistLimit: number;
  readonly djRoleName: string;
  readonly aloneTimeoutSeconds: number;
  readonly idleTimeoutSeconds: number;
  /** Caps on concurrent ffmpeg and yt-dlp runs (in each worker). */
  readonly toolJobs: ToolJobs;
  /** Where /healthz and /metrics are served; unset: not at all. */
  readonly metrics?: { readonly hostname: string; readonly port: number };
  /** /play uses allowed per user; null: no limit. */
  readonly playRate: RateLimit | null;
  /** Queue caps for the whole guild and for each user. */
  readonly queueLimits: { readonly perGuild: number; readonly perUser: number };
  /** Saved playlists: how many one person may keep, and how many tracks one may hold. */
  readonly playlistCaps: { readonly perUser: number; readonly tracks: number };
  /** Caps on what one track may cost: its length, its download, and the free space downloads leave. */
  readonly trackCaps: TrackCaps;
  /** TRAZOM_LOG_LEVEL and TRAZOM_LOG_FORMAT. */
  readonly log: { readonly level: LogLevel; readonly format: LogFormat };
}

/** Thrown when the environment holds missing or bad values; the message lists all of them. */
export class ConfigError extends Error {
  override name = "ConfigError";

  constructor(readonly problems: string[]) {
    super(`The configuration has ${problems.length} problem(s):\n- ${problems.join("\n- ")}`);
  }
}

type Env = Record<string, string | undefined>;

/** Every variable the bot reads; the start task grants env access to exactly these. */
export const CONFIG_VARIABLES = [
  "DISCORD_TOKEN",
  "DISCORD_API_URL",
  "DISCORD_GATEWAY_URL",
  "TRAZOM_DATA_DIR",
  "TRAZOM_CACHE_DIR",
  "TRAZOM_CACHE_LIMIT",
  "TRAZOM_LOUDNESS",
  "TRAZOM_ALLOW_PRIVATE_URLS",
  "TRAZOM_PREFETCH",
  "TRAZOM_PLAYLIST_LIMIT",
  "TRAZOM_DJ_ROLE",
  "TRAZOM_ALONE_TIMEOUT",
  "TRAZOM_IDLE_TIMEOUT",
  "TRAZOM_FFMPEG_JOBS",
  "TRAZOM_YTDLP_JOBS",
  "TRAZOM_YTDLP_HELPER",
  "TRAZOM_LOOK_AHEAD",
  "TRAZOM_METRICS_PORT",
  "TRAZOM_METRICS_HOST",
  "TRAZOM_PLAY_RATE",
  "TRAZOM_QUEUE_LIMIT",
  "TRAZOM_QUEUE_LIMIT_PER_USER",
  "TRAZOM_MAX_TRACK_MINUTES",
  "TRAZOM_MAX_SOURCE_MB",
  "TRAZOM_MIN_FREE_DISK",
  "TRAZOM_LOG_LEVEL",
  "TRAZOM_LOG_FORMAT",
  "FFMPEG_PATH",
  "YTDLP_PATH",
  "TRAZOM_YTDLP_UPDATE",
  "TRAZOM_PIP_INDEX_URL",
  "YTDLP_COOKIES",
  "YTDLP_ARGS",
  "YTDLP_PYTHON",
  "SPOTIFY_CLIENT_ID",
  "SPOTIFY_CLIENT_SECRET",
  "SPOTIFY_API_URL",
  "SPOTIFY_ACCOUNTS_URL",
  "SPOTIFY_EMBED_URL",
  "YOUTUBE_URL",
  "TRAZOM_SPONSORBLOCK",
  "SPONSORBLOCK_URL",
  "LRCLIB_URL",
] as const;

/** Reads the configuration variables from the process environment. */
export function processEnv(): Env {
  return Object.fromEntries(CONFIG_VARIABLES.map((name) => [name, Deno.env.get(name)]));
}

/** Reads the configuration from an environment (`processEnv()` in production). */
export function parseConfig(env: Env): Config {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);
  const dataDir = read.text("TRAZOM_DATA_DIR") ?? "./data";
  const config: Config = {
    discordToken: read.botToken("DISCORD_TOKEN"),
    discordApiUrl: read.url("DISCORD_API_URL") ?? "https://discord.com/api",
    discordGatewayUrl: read.url("DISCORD_GATEWAY_URL", ["ws:", "wss:"]),
    dataDir,
    cacheDir: read.text("TRAZOM_CACHE_DIR") ?? join(dataDir, "cache"),
    cacheLimitBytes: read.size("TRAZOM_CACHE_LIMIT") ?? 2 * 1024 ** 3,
    loudnessLufs: read.number("TRAZOM_LOUDNESS", { min: -70, max: -5 }) ?? -16,
    allowPrivateUrls: read.flag("TRAZOM_ALLOW_PRIVATE_URLS") ?? false,
    ffmpegPath: read.text("FFMPEG_PATH"),
    ytdlpPath: read.text("YTDLP_PATH") ?? "yt-dlp",
    ytdlpPathSet: read.text("YTDLP_PATH") !== undefined,
    ownYtdlp: {
      update: read.choice("TRAZOM_YTDLP_UPDATE", ["daily", "off"] as const) ?? "daily",
      pipIndexUrl: read.url("TRAZOM_PIP_INDEX_URL"),
    },
    ytdlpOperator: {
      cookiesPath: read.text("YTDLP_COOKIES"),
      extraArgs: read.ytdlpArgs("YTDLP_ARGS"),
    },
    ytdlpHelper: read.flag("TRAZOM_YTDLP_HELPER") ?? true,
    ytdlpPython: read.text("YTDLP_PYTHON"),
    lookAhead: read.flag("TRAZOM_LOOK_AHEAD") ?? true,
    spotify: {
      clientId: read.text("SPOTIFY_CLIENT_ID"),
      clientSecret: read.text("SPOTIFY_CLIENT_SECRET"),
      apiUrl: read.url("SPOTIFY_API_URL") ?? "https://api.spotify.com",
      accountsUrl: read.url("SPOTIFY_ACCOUNTS_URL") ?? "https://accounts.spotify.com",
      embedUrl: read.url("SPOTIFY_EMBED_URL") ?? "https://open.spotify.com",
    },
    youtubeUrl: read.url("YOUTUBE_URL") ?? "https://www.youtube.com",
    sponsorBlockUrl: sponsorBlockUrl(read),
    lrclibUrl: read.url("LRCLIB_URL") ?? "https://lrclib.net",
    prefetch: read.integer("TRAZOM_PREFETCH", { min: 1, max: 10 }) ?? 2,
    playlistLimit: read.integer("TRAZOM_PLAYLIST_LIMIT", { min: 1, max: 1000 }) ?? 200,
    djRoleName: read.text("TRAZOM_DJ_ROLE") ?? "DJ",
    aloneTimeoutSeconds: read.integer("TRAZOM_ALONE_TIMEOUT", { min: 0, max: 86_400 }) ?? 120,
    idleTimeoutSeconds: read.integer("TRAZOM_IDLE_TIMEOUT", { min: 0, max: 86_400 }) ?? 120,
    toolJobs: {
      ffmpegJobs: read.integer("TRAZOM_FFMPEG_JOBS", { min: 1, max: 64 }) ?? DEFAULT_TOOL_JOBS.ffmpegJobs,
      ytdlpJobs: read.integer("TRAZOM_YTDLP_JOBS", { min: 1, max: 64 }) ?? DEFAULT_TOOL_JOBS.ytdlpJobs,
    },
    metrics: metricsAddress(read),
    playRate: read.rate("TRAZOM_PLAY_RATE"),
    queueLimits: {
      perGuild: read.integer("TRAZOM_QUEUE_LIMIT", { min: 1, max: 10_000 }) ?? 500,
      perUser: read.integer("TRAZOM_QUEUE_LIMIT_PER_USER", { min: 1, max: 10_000 }) ?? 100,
    },
    playlistCaps: {
      perUser: read.integer("TRAZOM_PLAYLISTS_PER_USER", { min: 1, max: 500 }) ?? 50,
      // Bounded so that a playlist at the cap always fits one Deno KV commit (see lib/playlists/).
      tracks: read.integer("TRAZOM_PLAYLIST_TRACKS", { min: 1, max: 1000 }) ?? 1000,
    },
    trackCaps: {
      maxTrackSeconds: 60 * (read.integer("TRAZOM_MAX_TRACK_MINUTES", { min: 1, max: 24 * 60 }) ?? 180),
      maxSourceBytes: 1e6 * (read.integer("TRAZOM_MAX_SOURCE_MB", { min: 1, max: 100_000 }) ?? 1024),
      minFreeDiskBytes: read.size("TRAZOM_MIN_FREE_DISK", { allowZero: true }) ?? 1024 ** 3,
    },
    log: {
      level: read.choice("TRAZOM_LOG_LEVEL", LOG_LEVELS) ?? "info",
      format: read.choice("TRAZOM_LOG_FORMAT", LOG_FORMATS) ?? "text",
    },
  };
  if ((config.spotify.clientId === undefined) !== (config.spotify.clientSecret === undefined)) {
    problems.push("SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET must be set together (or neither).");
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(config);
}

/** Reads typed values from the environment, noting each bad one instead of stopping at the first. */
class EnvReader {
  constructor(private readonly env: Env, private readonly problems: string[]) {}

  text(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === "" ? undefined : value;
  }

  required(name: string): string {
    const value = this.text(name);
    if (value === undefined) this.problems.push(`${name} is required but not set.`);
    return value ?? "";
  }

  /** A token is "<base64 of the bot's id>.<...>.<...>"; its value is never echoed: it is a secret. */
  botToken(name: string): string {
    const value = this.required(name);
    const [id] = value.split(".");
    if (value && (value.split(".").length !== 3 || !/^\d{15,22}$/.test(decodeBase64(id)))) {
      this.problems.push(`${name} does not look like a Discord bot token (copy it again from the Bot page).`);
    }
    return value;
  }

  url(name: string, protocols = ["http:", "https:"]): string | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    if (!URL.canParse(value) || !protocols.includes(new URL(value).protocol)) {
      this.problems.push(`${name} must be a ${protocols.join(" or ")} URL, not "${value}".`);
      return undefined;
    }
    return value.replace(/\/+$/, "");
  }

  number(name: string, range: { min: number; max: number }): number | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < range.min || parsed > range.max) {
      this.problems.push(`${name} must be a number from ${range.min} to ${range.max}, not "${value}".`);
      return undefined;
    }
    return parsed;
  }

  integer(name: string, range: { min: number; max: number }): number | undefined {
    const parsed = this.number(name, range);
    if (parsed === undefined || Number.isInteger(parsed)) return parsed;
    this.problems.push(`${name} must be a whole number, not "${this.text(name)}".`);
    return undefined;
  }

  flag(name: string): boolean | undefined {
    const value = this.text(name)?.toLowerCase();
    if (value === undefined) return undefined;
    if (["1", "true", "yes", "on"].includes(value)) return true;
    if (["0", "false", "no", "off"].includes(value)) return false;
    this.problems.push(`${name} must be 1 or 0, not "${value}".`);
    return undefined;
  }

  /** One of `options`, in any letter case. */
  choice<T extends string>(name: string, options: readonly T[]): T | undefined {
    const value = this.text(name)?.toLowerCase();
    if (value === undefined) return undefined;
    if ((options as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name} must be one of ${options.join(", ")}, not "${this.text(name)}".`);
    return undefined;
  }

  ytdlpArgs(name: string): string[] {
    const value = this.text(name);
    if (value === undefined) return [];
    const parsed = parseYtdlpArgs(value);
    if ("args" in parsed) return parsed.args;
    this.problems.push(`${name} can't be used: ${parsed.problem}`);
    return [];
  }

  /** "5/10s", "20/1m", or "off" (null); 5 per 10 s when unset. */
  rate(name: string): RateLimit | null {
    const value = this.text(name);
    if (value === undefined) return DEFAULT_PLAY_RATE;
    const rate = parseRate(value);
    if (rate !== undefined) return rate;
    this.problems.push(`${name} must look like 5/10s or 20/1m (or off), not "${value}".`);
    return DEFAULT_PLAY_RATE;
  }

  size(name: string, options: { allowZero?: boolean } = {}): number | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    if (options.allowZero && value === "0") return 0;
    const bytes = parseByteSize(value);
    if (bytes === undefined) this.problems.push(`${name} must be a size like 500MB or 2GiB, not "${value}".`);
    return bytes;
  }
}

/** Enough for a quick run of requests, not for a script flooding the queue. */
const DEFAULT_PLAY_RATE: RateLimit = { limit: 5, windowMs: 10_000 };

/** SponsorBlock is on unless TRAZOM_SPONSORBLOCK turns it off; SPONSORBLOCK_URL is checked either way. */
function sponsorBlockUrl(read: EnvReader): string | undefined {
  const url = read.url("SPONSORBLOCK_URL") ?? "https://sponsor.ajay.app";
  return read.flag("TRAZOM_SPONSORBLOCK") === false ? undefined : url;
}

/** Metrics are opt-in: served only when TRAZOM_METRICS_PORT is set, on loopback unless told otherwise. */
function metricsAddress(read: EnvReader): Config["metrics"] {
  const port = read.integer("TRAZOM_METRICS_PORT", { min: 1, max: 65_535 });
  const hostname = read.text("TRAZOM_METRICS_HOST") ?? "127.0.0.1";
  return port === undefined ? undefined : { hostname, port };
}

const BYTE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** Parses "500MB", "2GiB", "1.5 GB" or a plain byte count; undefined when it is not a size. */
export function parseByteSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = match ? BYTE_UNITS[match[2].toLowerCase()] : undefined;
  if (!match || unit === undefined) return undefined;
  const bytes = Math.round(Number(match[1]) * unit);
  return bytes > 0 ? bytes : undefined;
}

function decodeBase64(text: string): string {
  try {
    return atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    return "";
  }
}

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (child && typeof child === "object") deepFreeze(child);
  }
  return Object.freeze(value);
}
