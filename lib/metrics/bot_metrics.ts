/**
 * What the bot tells Prometheus, with prom-client: gauges read at scrape time from the parts that know
 * (sessions, cache), counters moved by small calls from the parts where things happen. Names follow
 * Prometheus' conventions: a `trazom_` prefix, base units (`_seconds`, `_bytes`) and `_total` on counters.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { WorkerStats } from "./worker_stats.ts";

/** Read at every scrape. */
export interface MetricSources {
  guilds(): number;
  voiceConnections(): number;
  streamsPlaying(): number;
  gatewayConnected(): boolean;
  cache(): { sizeBytes: number; files: number; hits: number; misses: number };
  /** Tracks waiting in every guild's queue. */
  queuedTracks?(): number;
  /** The workers' latest snapshots (tool runs, search fallback). */
  workers?(): readonly WorkerStats[];
  /** yt-dlp's version as last checked. */
  ytdlpVersion?(): string | undefined;
}

/** Where a track or request failed: finding it, fetching it, encoding it, or playing it. */
export const FAILURE_KINDS = ["resolve", "download", "transcode", "voice"] as const;
export type FailureKind = typeof FAILURE_KINDS[number];

/** Time to first audio, from a cached file (well under a second) to a long fresh download. */
const PREPARATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120];

/** The bot's metrics registry. */
export class BotMetrics {
  readonly registry: Registry = new Registry();
  readonly #tracksPlayed: Counter<"source">;
  readonly #preparation: Histogram<"source">;
  readonly #workerRestarts: Counter<"worker">;
  readonly #gatewayReconnects: Counter;
  readonly #voiceReconnects: Counter;
  readonly #failures: Counter<"kind">;

  /** `workers`: the names worker restarts are counted under, shown at 0 from the start. */
  constructor(sources: MetricSources, workers: readonly string[] = []) {
    const registers = [this.registry];
    const gauge = (name: string, help: string, read: () => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    gauge("trazom_guilds", "Guilds the bot is in.", sources.guilds);
    gauge("trazom_voice_connections", "Voice channels the bot is connected to.", sources.voiceConnections);
    gauge("trazom_streams_playing", "Voice channels audio is playing into now.", sources.streamsPlaying);
    gauge(
      "trazom_gateway_connected",
      "1 while the Discord gateway connection is up, else 0.",
      () => sources.gatewayConnected() ? 1 : 0,
    );
    gauge("trazom_cache_size_bytes", "Size of the audio cache.", () => sources.cache().sizeBytes);
    gauge("trazom_cache_files", "Files in the audio cache.", () => sources.cache().files);
    // Hits and misses are counted by the cache itself; they are copied here at each scrape.
    const cacheCounter = (name: string, help: string, read: () => number) =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    cacheCounter("trazom_cache_hits_total", "Tracks found in the audio cache.", () => sources.cache().hits);
    cacheCounter("trazom_cache_misses_total", "Tracks not in the audio cache.", () => sources.cache().misses);
    this.#tracksPlayed = new Counter({
      name: "trazom_tracks_played_total",
      help: "Tracks whose audio started, by where it came from (cache or fresh).",
      labelNames: ["source"],
      registers,
    });
    this.#preparation = new Histogram({
      name: "trazom_track_preparation_seconds",
      help: "Time from a track being taken up to its first audio.",
      labelNames: ["source"],
      buckets: PREPARATION_BUCKETS,
      registers,
    });
    this.#workerRestarts = new Counter({
      name: "trazom_worker_restarts_total",
      help: "Workers started afresh after one died.",
      labelNames: ["worker"],
      registers,
    });
    this.#gatewayReconnects = new Counter({
      name: "trazom_gateway_reconnects_total",
      help: "Attempts to reconnect to the Discord gateway after the connection was lost.",
      registers,
    });
    this.#voiceReconnects = new Counter({
      name: "trazom_voice_reconnects_total",
      help: "Voice connections that dropped and were recovered or rejoined.",
      registers,
    });
    this.#failures = new Counter({
      name: "trazom_failures_total",
      help: "Failures by kind: resolve (a request not found), download, transcode, voice (playback).",
      labelNames: ["kind"],
      registers,
    });
    this.#workerGauges(sources, registers);
    // Memory, CPU, open files and event loop lag, as prom-client reads them (all of them work under Deno).
    collectDefaultMetrics({ register: this.registry, prefix: "trazom_" });
    for (const kind of FAILURE_KINDS) this.#failures.labels({ kind }).inc(0);
    // Series that exist from the first scrape, so rates and increases need no special case for "absent".
    for (const source of ["cache", "fresh"]) this.#tracksPlayed.labels({ source }).inc(0);
    for (const worker of workers) this.#workerRestarts.labels({ worker }).inc(0);
  }

  /** A track's audio started; `preparedInMs` (when known) is its time to first audio. */
  trackStarted(details: { preparedInMs?: number; fromCache?: boolean }): void {
    const source = details.fromCache === undefined ? "unknown" : details.fromCache ? "cache" : "fresh";
    this.#tracksPlayed.inc({ source });
    if (details.preparedInMs !== undefined && Number.isFinite(details.preparedInMs)) {
      this.#preparation.observe({ source }, Math.max(0, details.preparedInMs) / 1000);
    }
  }

  /** Gauges read from the sessions, the workers' snapshots and the tool check. */
  #workerGauges(sources: MetricSources, registers: Registry[]): void {
    const { queuedTracks, workers, ytdlpVersion } = sources;
    new Gauge({
      name: "trazom_queued_tracks",
      help: "Tracks waiting in the queues of all guilds.",
      registers,
      collect() {
        this.set(queuedTracks?.() ?? 0);
      },
    });
    new Gauge({
      name: "trazom_tool_runs",
      help: "ffmpeg and yt-dlp runs in each worker: busy (running) or waiting for a slot.",
      labelNames: ["worker", "tool", "state"],
      registers,
      collect() {
        this.reset();
        for (const stats of workers?.() ?? []) {
          for (const tool of ["ytdlp", "ffmpeg"] as const) {
            this.set({ worker: stats.worker, tool, state: "busy" }, stats[tool].held);
            this.set({ worker: stats.worker, tool, state: "waiting" }, stats[tool].waiting);
          }
        }
      },
    });
    new Gauge({
      name: "trazom_search_fallback_active",
      help: "1 while searches go to yt-dlp because the in-process YouTube search failed.",
      registers,
      collect() {
        this.set(workers?.().some((stats) => stats.searchFallback === true) ? 1 : 0);
      },
    });
    new Gauge({
      name: "trazom_ytdlp_info",
      help: "The yt-dlp in use, as a version label (value 1).",
      labelNames: ["version"],
      registers,
      collect() {
        this.reset();
        const version = ytdlpVersion?.();
        if (version) this.set({ version }, 1);
      },
    });
  }

  /** Something failed; `kind` says where. */
  failed(kind: FailureKind): void {
    this.#failures.inc({ kind });
  }

  workerRestarted(worker: string): void {
    this.#workerRestarts.inc({ worker });
  }

  gatewayReconnected(): void {
    this.#gatewayReconnects.inc();
  }

  voiceReconnected(): void {
    this.#voiceReconnects.inc();
  }

  /** The text exposition format, as served at /metrics. */
  async render(): Promise<string> {
    return await this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
