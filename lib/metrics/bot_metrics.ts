/**
 * What the bot tells Prometheus, with prom-client: gauges read at scrape time from the parts that know
 * (sessions, cache), counters moved by small calls from the parts where things happen. Names follow
 * Prometheus' conventions: a `trazom_` prefix, base units (`_seconds`, `_bytes`) and `_total` on counters.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** Read at every scrape. */
export interface MetricSources {
  guilds(): number;
  voiceConnections(): number;
  streamsPlaying(): number;
  gatewayConnected(): boolean;
  cache(): { sizeBytes: number; files: number; hits: number; misses: number };
}

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
