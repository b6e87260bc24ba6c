import assert from "node:assert/strict";
import { BotMetrics } from "../../../lib/metrics/bot_metrics.ts";
import { startMetricsServer } from "../../../lib/metrics/metrics_server.ts";

async function withServer(healthy: () => boolean, test: (url: string) => Promise<void>) {
  const metrics = new BotMetrics({
    guilds: () => 1,
    voiceConnections: () => 0,
    streamsPlaying: () => 0,
    gatewayConnected: healthy,
    cache: () => ({ sizeBytes: 0, files: 0, hits: 0, misses: 0 }),
  });
  const problems = () => healthy() ? [] : ["Not connected to Discord.", "ffmpeg is gone."];
  const server = await startMetricsServer({ hostname: "127.0.0.1", port: 0, metrics, problems });
  try {
    await test(server.url);
  } finally {
    await server.close();
  }
}

Deno.test("/healthz answers 200 while all is well and 503 with one line per problem", async () => {
  let connected = false;
  await withServer(() => connected, async (url) => {
    const down = await fetch(`${url}/healthz`);
    assert.equal(down.status, 503);
    assert.equal(await down.text(), "Not connected to Discord.\nffmpeg is gone.\n");
    connected = true;
    const up = await fetch(`${url}/healthz`);
    assert.equal(up.status, 200);
    assert.equal(await up.text(), "ok\n");
  });
});

Deno.test("/metrics serves the exposition format; other paths and methods are refused", async () => {
  await withServer(() => true, async (url) => {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const scraped = await fetch(`${url}/metrics`);
    assert.equal(scraped.status, 200);
    assert.match(scraped.headers.get("content-type")!, /^text\/plain; version=0\.0\.4/);
    assert.match(await scraped.text(), /^trazom_guilds 1$/m);
    const other = await fetch(`${url}/`);
    assert.equal(other.status, 404);
    await other.body?.cancel();
    const posted = await fetch(`${url}/metrics`, { method: "POST" });
    assert.equal(posted.status, 405);
    await posted.body?.cancel();
  });
});
