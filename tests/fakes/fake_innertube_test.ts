/**
 * The fake web API is what YouTube serves, as far as a maintained client can tell: the real yt-dlp, sent to
 * it through a tunnel that stands in for www.youtube.com, reads its search pages into the same videos,
 * lengths and live flags that the in-process search (youtubei.js) reads.
 */
import assert from "node:assert/strict";
import { createYoutubeSearch } from "../../lib/sources/youtube_search.ts";
import { startFakeInnertube } from "./fake_innertube.ts";
import { EVENING_SEARCH } from "./evening_search.ts";
import { createTestCertificates } from "./test_ca.ts";

/** What the test compares of one yt-dlp search entry. */
interface SearchEntry {
  id: string;
  title: string;
  duration: number | null;
  live: boolean;
}

/**
 * www.youtube.com on loopback for a client behind `--proxy`: every CONNECT is tunnelled to a TLS server
 * (the test CA's certificate; the client is told not to check it) that hands requests to `origin`.
 */
async function youtubeTunnel(origin: string) {
  const certificates = await createTestCertificates();
  const tls = Deno.serve(
    { hostname: "127.0.0.1", port: 0, cert: certificates.certPem, key: certificates.keyPem, onListen() {} },
    async (request) => {
      const url = new URL(request.url);
      return await fetch(new URL(url.pathname + url.search, origin), {
        method: request.method,
        headers: request.headers,
        body: request.method === "POST" ? await request.arrayBuffer() : undefined,
      });
    },
  );
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const hosts: string[] = [];
  const tunnels: Promise<unknown>[] = [];
  const accepting = (async () => {
    for await (const client of listener) {
      tunnels.push((async () => {
        const head = new Uint8Array(8192);
        const length = await client.read(head) ?? 0;
        hosts.push(new TextDecoder().decode(head.subarray(0, length)).split(" ")[1]);
        const upstream = await Deno.connect({ hostname: "127.0.0.1", port: tls.addr.port });
        await client.write(new TextEncoder().encode("HTTP/1.1 200 Connection established\r\n\r\n"));
        await Promise.allSettled([
          client.readable.pipeTo(upstream.writable),
          upstream.readable.pipeTo(client.writable),
        ]);
      })());
    }
  })();
  return {
    proxyUrl: `http://127.0.0.1:${listener.addr.port}`,
    hosts,
    async close() {
      listener.close();
      await accepting;
      await tls.shutdown();
      await Promise.allSettled(tunnels);
      await certificates.cleanup();
    },
  };
}

Deno.test("the real yt-dlp and the in-process search read the fake's search page alike", async () => {
  const fake = startFakeInnertube(EVENING_SEARCH);
  const tunnel = await youtubeTunnel(fake.url);
  try {
    const run = await new Deno.Command("yt-dlp", {
      args: [
        "--ignore-config",
        "--no-cache-dir",
        "--no-update",
        "--flat-playlist",
        "-J",
        "--proxy",
        tunnel.proxyUrl,
        "--no-check-certificates",
        "ytsearch5:evening hum",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(run.stderr);
    assert.equal(run.code, 0, stderr);
    const page = JSON.parse(new TextDecoder().decode(run.stdout));
    const entries: SearchEntry[] = page.entries.map((entry: Record<string, unknown>) => ({
      id: entry.id,
      title: entry.title,
      duration: entry.duration ?? null,
      live: entry.live_status === "is_live",
    }));
    assert.deepEqual(entries, [
      { id: "eveningHum1", title: "Evening Hum", duration: 65, live: false },
      { id: "eveningLive", title: "Evening Hum (live now)", duration: null, live: true },
      { id: "eveningHum2", title: "Evening Hum — an hour", duration: 3725, live: false },
      { id: "eveningHum3", title: "Evening Hum (Slow)", duration: 2, live: false },
    ]);
    assert.ok(tunnel.hosts.every((host) => host === "www.youtube.com:443"), tunnel.hosts.join());
    assert.equal(fake.searches.length, 1, "yt-dlp's request was one search");

    const inProcess = await createYoutubeSearch({ baseUrl: fake.url })(
      "evening hum",
      5,
      new AbortController().signal,
    );
    const playable = entries.filter((entry) => !entry.live);
    assert.deepEqual(
      inProcess.map((track) => ({
        id: track.url.slice(-11),
        title: track.title,
        duration: track.durationSeconds,
      })),
      playable.map(({ id, title, duration }) => ({ id, title, duration })),
    );
  } finally {
    await tunnel.close();
    await fake.close();
  }
});
