/** The exposition text Prometheus scrapes: names, units, HELP and TYPE lines, and values that move. */
import assert from "node:assert/strict";
import { BotMetrics, type MetricSources } from "../../../lib/metrics/bot_metrics.ts";

function sources(overrides: Partial<MetricSources> = {}): MetricSources {
  return {
    guilds: () => 2,
    voiceConnections: () => 1,
    streamsPlaying: () => 1,
    gatewayConnected: () => true,
    cache: () => ({ sizeBytes: 123_456, files: 3, hits: 5, misses: 2 }),
    ...overrides,
  };
}

/** The value of one sample line, e.g. `value(text, 'trazom_tracks_played_total{source="cache"}')`. */
function value(text: string, sample: string): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}

Deno.test("every metric has HELP and TYPE lines, the trazom_ prefix, and counters end in _total", async () => {
  const metrics = new BotMetrics(sources());
  metrics.trackStarted({ preparedInMs: 10, fromCache: true });
  metrics.workerRestarted("resolver");
  metrics.gatewayReconnected();
  metrics.voiceReconnected();
  const text = await metrics.render();
  const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name, type]) => ({ name, type }));
  const helps = new Set([...text.matchAll(/^# HELP (\S+) .+$/gm)].map(([, name]) => name));
  assert.ok(types.length >= 13, String(types.length));
  for (const { name, type } of types) {
    assert.ok(name.startsWith("trazom_"), name);
    assert.ok(helps.has(name), `HELP for ${name}`);
    // prom-client's own process gauges include one named *_total (nodejs_active_resources_total).
    const ours = !/^trazom_(process|nodejs)_/.test(name);
    if (type === "counter" || ours) assert.equal(type === "counter", name.endsWith("_total"), name);
  }
  assert.deepEqual(types.find((t) => t.name === "trazom_track_preparation_seconds")?.type, "histogram");
  assert.match(metrics.contentType, /^text\/plain; version=0\.0\.4/);
});

Deno.test("gauges and cache counters are read from their sources at each scrape", async () => {
  let guilds = 2;
  let hits = 5;
  const metrics = new BotMetrics(sources({
    guilds: () => guilds,
    gatewayConnected: () => false,
    cache: () => ({ sizeBytes: 123_456, files: 3, hits, misses: 2 }),
  }));
  let text = await metrics.render();
  assert.equal(value(text, "trazom_guilds"), 2);
  assert.equal(value(text, "trazom_voice_connections"), 1);
  assert.equal(value(text, "trazom_streams_playing"), 1);
  assert.equal(value(text, "trazom_gateway_connected"), 0);
  assert.equal(value(text, "trazom_cache_size_bytes"), 123_456);
  assert.equal(value(text, "trazom_cache_files"), 3);
  assert.equal(value(text, "trazom_cache_hits_total"), 5);
  assert.equal(value(text, "trazom_cache_misses_total"), 2);
  guilds = 3;
  hits = 9;
  text = await metrics.render();
  assert.equal(value(text, "trazom_guilds"), 3);
  assert.equal(value(text, "trazom_cache_hits_total"), 9);
});

Deno.test("tracks played count by source, and preparation times land in seconds buckets", async () => {
  const metrics = new BotMetrics(sources());
  metrics.trackStarted({ preparedInMs: 80, fromCache: true });
  metrics.trackStarted({ preparedInMs: 3500, fromCache: false });
  metrics.trackStarted({ preparedInMs: 4500, fromCache: false });
  metrics.trackStarted({});
  const text = await metrics.render();
  assert.equal(value(text, 'trazom_tracks_played_total{source="cache"}'), 1);
  assert.equal(value(text, 'trazom_tracks_played_total{source="fresh"}'), 2);
  assert.equal(value(text, 'trazom_tracks_played_total{source="unknown"}'), 1);
  assert.equal(value(text, 'trazom_track_preparation_seconds_bucket{le="0.1",source="cache"}'), 1);
  assert.equal(value(text, 'trazom_track_preparation_seconds_bucket{le="2",source="fresh"}'), 0);
  assert.equal(value(text, 'trazom_track_preparation_seconds_bucket{le="5",source="fresh"}'), 2);
  assert.equal(value(text, 'trazom_track_preparation_seconds_sum{source="fresh"}'), 8);
  assert.equal(value(text, 'trazom_track_preparation_seconds_count{source="fresh"}'), 2);
  assert.equal(value(text, 'trazom_track_preparation_seconds_count{source="unknown"}'), undefined);
});

Deno.test("restarts and reconnects are counted", async () => {
  const metrics = new BotMetrics(sources());
  metrics.workerRestarted("transcoder");
  metrics.workerRestarted("transcoder");
  metrics.gatewayReconnected();
  for (let i = 0; i < 3; i++) metrics.voiceReconnected();
  const text = await metrics.render();
  assert.equal(value(text, 'trazom_worker_restarts_total{worker="transcoder"}'), 2);
  assert.equal(value(text, "trazom_gateway_reconnects_total"), 1);
  assert.equal(value(text, "trazom_voice_reconnects_total"), 3);
});

Deno.test("labelled counters start at 0 for every known source and worker", async () => {
  const text = await new BotMetrics(sources(), ["resolver", "transcoder"]).render();
  assert.equal(value(text, 'trazom_tracks_played_total{source="cache"}'), 0);
  assert.equal(value(text, 'trazom_tracks_played_total{source="fresh"}'), 0);
  assert.equal(value(text, 'trazom_worker_restarts_total{worker="resolver"}'), 0);
  assert.equal(value(text, 'trazom_worker_restarts_total{worker="transcoder"}'), 0);
});

Deno.test("queued tracks, tool runs, search fallback, yt-dlp's version and failures by kind are shown", async () => {
  const tools = { held: 1, waiting: 2 };
  const metrics = new BotMetrics(sources({
    queuedTracks: () => 7,
    workers: () => [
      { worker: "resolver", ytdlp: tools, ffmpeg: { held: 0, waiting: 0 }, searchFallback: true },
      { worker: "transcoder", ytdlp: { held: 0, waiting: 0 }, ffmpeg: { held: 3, waiting: 4 } },
    ],
    ytdlpVersion: () => "2026.08.19",
  }));
  metrics.failed("download");
  metrics.failed("download");
  metrics.failed("voice");
  const text = await metrics.render();
  assert.equal(value(text, "trazom_queued_tracks"), 7);
  assert.equal(value(text, 'trazom_tool_runs{worker="resolver",tool="ytdlp",state="busy"}'), 1);
  assert.equal(value(text, 'trazom_tool_runs{worker="resolver",tool="ytdlp",state="waiting"}'), 2);
  assert.equal(value(text, 'trazom_tool_runs{worker="transcoder",tool="ffmpeg",state="waiting"}'), 4);
  assert.equal(value(text, "trazom_search_fallback_active"), 1);
  assert.equal(value(text, 'trazom_ytdlp_info{version="2026.08.19"}'), 1);
  assert.equal(value(text, 'trazom_failures_total{kind="download"}'), 2);
  assert.equal(value(text, 'trazom_failures_total{kind="voice"}'), 1);
  assert.equal(value(text, 'trazom_failures_total{kind="resolve"}'), 0);
  assert.ok((value(text, "trazom_process_resident_memory_bytes") ?? 0) > 0, "process memory");
});
