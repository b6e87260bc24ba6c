/** The real yt-dlp with the bot's format choice: a page whose only audio is an HLS playlist is refused. */
import assert from "node:assert/strict";
import { metadataArgs } from "../../../lib/sources/ytdlp_args.ts";
import { runYtdlp } from "../../../lib/sources/ytdlp_runner.ts";
import { generateTone } from "../../fakes/test_tones.ts";

Deno.test("yt-dlp picks only formats fetched over HTTP(S): an HLS-only page has none, an mp3 page has one", async () => {
  const dir = await Deno.makeTempDir();
  const mp3Path = `${dir}/a.mp3`;
  await generateTone({ path: mp3Path, frequencyHz: 440, seconds: 2 });
  const mp3 = await Deno.readFile(mp3Path);
  const page = (src: string) =>
    new Response(`<html><head><title>Song</title></head><body><audio src="${src}"></audio></body></html>`, {
      headers: { "content-type": "text/html" },
    });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/hls.html") return page("/list.m3u8");
    if (path === "/mp3.html") return page("/a.mp3");
    if (path === "/list.m3u8") {
      return new Response("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n/a.mp3\n#EXT-X-ENDLIST\n", {
        headers: { "content-type": "application/vnd.apple.mpegurl" },
      });
    }
    if (path === "/a.mp3") return new Response(mp3.slice(), { headers: { "content-type": "audio/mpeg" } });
    return new Response("Not found", { status: 404 });
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  const run = { ytdlpPath: Deno.env.get("YTDLP_PATH") ?? "yt-dlp", timeoutMs: 60_000 };
  try {
    const hls = await runYtdlp(metadataArgs(`${base}/hls.html`), run);
    assert.notEqual(hls.code, 0, hls.stdout.slice(0, 300));
    assert.match(hls.stderr, /Requested format is not available/);
    const plain = await runYtdlp(metadataArgs(`${base}/mp3.html`), run);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(JSON.parse(plain.stdout).protocol, /^https?$/);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
