import assert from "node:assert/strict";
import { runYtdlp, ytdlpJson } from "../../../lib/sources/ytdlp_runner.ts";
import { metadataArgs } from "../../../lib/sources/ytdlp_args.ts";
import { UserError } from "../../../lib/user_error.ts";

/** A server that accepts connections and never answers; resolves each connection's close. */
function silentServer() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let connected!: () => void;
  const firstConnection = new Promise<void>((resolve) => connected = resolve);
  const closed: Promise<void>[] = [];
  const accepting = (async () => {
    for await (const conn of listener) {
      connected();
      // The read ends when the client goes away, which is how we see the killed process.
      closed.push(conn.readable.pipeTo(new WritableStream()).catch(() => {}));
    }
  })().catch(() => {});
  return {
    url: `http://127.0.0.1:${listener.addr.port}/song.mp3`,
    firstConnection,
    connections: () => closed.length,
    clientsGone: () => Promise.all(closed),
    close: async () => {
      listener.close();
      await accepting;
    },
  };
}

const SLOW_SOCKET = { socketTimeoutSeconds: 120 };

Deno.test("runYtdlp kills yt-dlp at the deadline and says it took too long", async () => {
  const server = silentServer();
  try {
    const started = Date.now();
    // Long enough for a current yt-dlp to start and connect on a busy machine.
    const run = runYtdlp(metadataArgs(server.url, SLOW_SOCKET), { ytdlpPath: "yt-dlp", timeoutMs: 6000 });
    await assert.rejects(
      run,
      (error) => error instanceof UserError && /took too long \(over 6 s\)/.test(error.message),
    );
    assert.ok(Date.now() - started < 60_000);
    assert.ok(server.connections() >= 1, "yt-dlp had connected before the deadline");
    await server.clientsGone(); // the killed process's socket closed
  } finally {
    await server.close();
  }
});

Deno.test("runYtdlp kills yt-dlp when the caller aborts", async () => {
  const server = silentServer();
  const controller = new AbortController();
  try {
    const run = runYtdlp(metadataArgs(server.url, SLOW_SOCKET), {
      ytdlpPath: "yt-dlp",
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    await server.firstConnection;
    controller.abort(new Error("user skipped"));
    await assert.rejects(run, /user skipped/);
    await server.clientsGone();
  } finally {
    await server.close();
  }
});

Deno.test("runYtdlp refuses to start when already aborted", async () => {
  await assert.rejects(
    runYtdlp(["--version"], {
      ytdlpPath: "yt-dlp",
      timeoutMs: 1000,
      signal: AbortSignal.abort(new Error("early")),
    }),
    /early/,
  );
});

Deno.test("a missing yt-dlp binary is a clear operator error", async () => {
  await assert.rejects(
    runYtdlp(["--version"], { ytdlpPath: "/nonexistent/yt-dlp", timeoutMs: 1000 }),
    (error) =>
      !(error instanceof UserError) && /yt-dlp was not found at "\/nonexistent\/yt-dlp"/.test(String(error)),
  );
});

Deno.test("ytdlpJson turns a failed run into an explained UserError", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () =>
      new Response("<html><body>no media here</body></html>", { headers: { "content-type": "text/html" } }),
  );
  try {
    const url = `http://127.0.0.1:${server.addr.port}/page`;
    await assert.rejects(
      ytdlpJson(metadataArgs(url), { ytdlpPath: "yt-dlp", timeoutMs: 30_000 }),
      (error) => error instanceof UserError && /don't know how to play/.test(error.message),
    );
  } finally {
    await server.shutdown();
  }
});

Deno.test("runYtdlp returns output and exit code", async () => {
  const result = await runYtdlp(["--version"], { ytdlpPath: "yt-dlp", timeoutMs: 10_000 });
  assert.equal(result.code, 0);
  assert.ok(/^\d{4}\.\d{2}\.\d{2}/.test(result.stdout), result.stdout);
});
