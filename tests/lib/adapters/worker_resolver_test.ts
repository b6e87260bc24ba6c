/** The Resolver port on a real WorkerClient over an in-memory worker: every answer becomes one outcome. */
import assert from "node:assert/strict";
import { WorkerClient } from "../../../lib/channels/worker_client.ts";
import type { ResolverAnswer, ResolverRequest } from "../../../lib/channels/resolver_messages.ts";
import { WorkerResolver } from "../../../lib/adapters/worker_resolver.ts";
import { inMemoryWorker } from "../../fakes/in_memory_worker.ts";
import { infoOf } from "../guild/session_world.ts";

/** A resolver whose worker answers with `answer`, or dies when asked. */
function resolverAnswering(answer: (request: ResolverRequest) => Promise<ResolverAnswer> | "crash") {
  const workers: ReturnType<typeof inMemoryWorker<ResolverRequest, ResolverAnswer>>[] = [];
  const client = new WorkerClient<ResolverRequest, ResolverAnswer>("resolver", () => {
    const worker = inMemoryWorker<ResolverRequest, ResolverAnswer>((request) => {
      const reply = answer(request);
      if (reply !== "crash") return reply;
      queueMicrotask(() => worker.crash());
      return new Promise(() => {});
    });
    workers.push(worker);
    return worker;
  }, {});
  return { resolver: new WorkerResolver(client), close: () => client.close() };
}

Deno.test("tracks, empty and a user's failure pass through as they are", async () => {
  const { resolver, close } = resolverAnswering((request) =>
    Promise.resolve(
      request.kind !== "resolve"
        ? { outcome: "empty", message: "No radio." }
        : request.query === "bad"
        ? { outcome: "failed", message: "That link leads nowhere.", userFacing: true, temporary: false }
        : { outcome: "tracks", tracks: [infoOf(request.query)], note: "Only the first 100." },
    )
  );
  try {
    assert.deepEqual(await resolver.resolve("A"), {
      outcome: "tracks",
      tracks: [infoOf("A")],
      note: "Only the first 100.",
    });
    assert.deepEqual(await resolver.radio("abc"), { outcome: "empty", message: "No radio." });
    assert.deepEqual(await resolver.resolve("bad"), {
      outcome: "failed",
      temporary: false,
      userFacing: true,
      message: "That link leads nowhere.",
    });
  } finally {
    close();
  }
});

Deno.test("a worker that dies during a lookup is a temporary failure, not a bug", async () => {
  const { resolver, close } = resolverAnswering(() => "crash");
  try {
    const outcome = await resolver.resolve("A");
    assert.equal(outcome.outcome, "failed");
    assert.equal(outcome.outcome === "failed" && outcome.temporary, true);
  } finally {
    close();
  }
});

Deno.test("an answer that does not belong to a lookup is reported as a bug", async () => {
  const { resolver, close } = resolverAnswering(() =>
    Promise.resolve({ outcome: "suggestions", suggestions: [] })
  );
  try {
    const outcome = await resolver.resolve("A");
    assert.deepEqual(outcome, {
      outcome: "failed",
      temporary: false,
      userFacing: false,
      message: "The resolver answered suggestions to a lookup",
    });
  } finally {
    close();
  }
});
