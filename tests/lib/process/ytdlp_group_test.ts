import assert from "node:assert/strict";
import { liveTools } from "../../../lib/process/live_tools.ts";
import { runYtdlp } from "../../../lib/sources/ytdlp_runner.ts";
import { isAlive, processesInGroup } from "./proc_table.ts";
import { waitUntil } from "../../fakes/wait_until.ts";

/** Answers every request with audio headers and then never sends a byte: a download that never ends. */
function stallingMediaServer() {
  let requests = 0;
  const secondRequest = Promise.withResolvers<void>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => {
    if (++requests === 2) secondRequest.resolve();
    return new Response(new ReadableStream({}), {
      headers: { "content-type": "audio/mpeg", "content-length": "10000000" },
    });
  });
  return { url: `http://127.0.0.1:${server.addr.port}/song.mp3`, secondRequest, server };
}

Deno.test("aborting yt-dlp also kills the ffmpeg it started", async () => {
  const media = stallingMediaServer();
  const output = await Deno.makeTempDir();
  const controller = new AbortController();
  try {
    const before = new Set(liveTools.pgids);
    const run = runYtdlp(
      [
        "--ignore-config",
        "--no-update",
        "--downloader",
        "ffmpeg",
        "-o",
        `${output}/out.%(ext)s`,
        "--",
        media.url,
      ],
      { ytdlpPath: "yt-dlp", timeoutMs: 120_000, signal: controller.signal },
    );
    run.catch(() => {});
    // yt-dlp's own look at the URL is the first request; ffmpeg's download is the second.
    await media.secondRequest.promise;
    const [pgid] = liveTools.pgids.filter((id) => !before.has(id));
    await waitUntil(
      () => processesInGroup(pgid).some((info) => info.command === "ffmpeg"),
      "ffmpeg runs in yt-dlp's group",
    );
    const ffmpeg = processesInGroup(pgid).find((info) => info.command === "ffmpeg")!;
    controller.abort(new Error("skipped"));
    await assert.rejects(run, /skipped/);
    await waitUntil(() => !isAlive(ffmpeg.pid), `ffmpeg ${ffmpeg.pid} is gone`);
    assert.deepEqual(processesInGroup(pgid), []);
  } finally {
    await media.server.shutdown();
    await Deno.remove(output, { recursive: true });
  }
});
