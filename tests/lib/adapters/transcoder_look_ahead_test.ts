/** The look-ahead's port over a worker in the same thread: the request it sends, cancellation, the cache. */
import assert from "node:assert/strict";
import { transcoderLookAhead } from "../../../lib/adapters/transcoder_look_ahead.ts";
import { cacheKeyFor } from "../../../lib/cache/cache_key.ts";
import { WorkerClient } from "../../../lib/channels/worker_client.ts";
import type { TranscoderAnswer, TranscoderRequest } from "../../../lib/channels/transcoder_messages.ts";
import { inMemoryWorker } from "../../fakes/in_memory_worker.ts";
import { waitUntil } from "../../fakes/wait_until.ts";

const TARGET = { integrated: -14, range: 11, truePeak: -1.5 };

function world(found: boolean) {
  const seen: { request: TranscoderRequest; signal: AbortSignal }[] = [];
  const transcoder = new WorkerClient<TranscoderRequest, TranscoderAnswer>(
    "transcoder",
    () =>
      inMemoryWorker<TranscoderRequest, TranscoderAnswer>((request, signal) => {
        seen.push({ request, signal });
        return new Promise((resolve) => {
          // A video named "held…" waits until it is cancelled, like a held extraction.
          if (request.kind === "lookAhead" && request.source.videoId.startsWith("held")) {
            signal.addEventListener("abort", () => resolve({ outcome: "lookedAhead", found: false }));
          } else resolve({ outcome: "lookedAhead", found });
        });
      }),
    {},
  );
  const cachedKey = cacheKeyFor("youtube:cachedVideo", TARGET);
  const port = transcoderLookAhead(transcoder, { has: (key) => key === cachedKey }, TARGET);
  return { port, seen, close: () => transcoder.close() };
}

Deno.test("a look-ahead asks the transcoder for the video and says whether it was found", async () => {
  for (const found of [true, false]) {
    const { port, seen, close } = world(found);
    try {
      assert.equal(await port.lookAhead("videoAAAAAA", new AbortController().signal), found);
      assert.deepEqual(seen.map((call) => call.request), [
        { kind: "lookAhead", source: { kind: "youtube", videoId: "videoAAAAAA" } },
      ]);
    } finally {
      close();
    }
  }
});

Deno.test("aborting a look-ahead cancels its request in the worker", async () => {
  const { port, seen, close } = world(true);
  try {
    const stop = new AbortController();
    const looking = port.lookAhead("heldVideo01", stop.signal);
    await waitUntil(() => seen.length === 1, "the worker has the request");
    stop.abort();
    assert.equal(await looking, false);
    await waitUntil(() => seen[0].signal.aborted, "the worker's request was cancelled");
  } finally {
    close();
  }
});

Deno.test("a video is cached when the cache holds its key for the loudness target", () => {
  const { port, close } = world(true);
  try {
    assert.equal(port.isCached("cachedVideo"), true);
    assert.equal(port.isCached("videoAAAAAA"), false);
  } finally {
    close();
  }
});
