import assert from "node:assert/strict";
import { WorkerClient } from "../../../lib/channels/worker_client.ts";
import { serveRequests, type WorkerScope } from "../../../lib/channels/worker_server.ts";
import type { WorkerPort } from "../../../lib/channels/worker_protocol.ts";

type Request = { kind: "echo"; text: string } | { kind: "hang" } | { kind: "throw" };
type Answer = { outcome: "echoed"; text: string; settings: string };

/** A worker in the same thread: two message ports, with the server's scope on the far end. */
function inMemoryWorker(onCancel: () => void): WorkerPort & { crash(): void } {
  const channel = new MessageChannel();
  const scope = channel.port2 as unknown as WorkerScope;
  serveRequests<string, Request, Answer>(scope, (settings) => (request, signal) => {
    if (request.kind === "echo") return Promise.resolve({ outcome: "echoed", text: request.text, settings });
    if (request.kind === "throw") throw new Error("a bug in the handler");
    return new Promise<Answer>((_, reject) => signal.addEventListener("abort", () => (onCancel(), reject())));
  });
  const port: WorkerPort & { crash(): void } = {
    postMessage: (message) => channel.port1.postMessage(message),
    set onmessage(handler: ((event: MessageEvent) => void) | null) {
      channel.port1.onmessage = handler;
    },
    get onmessage() {
      return channel.port1.onmessage;
    },
    onerror: null,
    terminate: () => (channel.port1.close(), channel.port2.close()),
    crash: () => port.onerror?.(new ErrorEvent("error", { message: "boom" })),
  };
  return port;
}

function makeClient() {
  const workers: ReturnType<typeof inMemoryWorker>[] = [];
  let cancels = 0;
  const client = new WorkerClient<Request, Answer>("test worker", () => {
    workers.push(inMemoryWorker(() => cancels++));
    return workers.at(-1)!;
  }, "the settings");
  return { client, workers, cancels: () => cancels };
}

Deno.test("a request gets the worker's answer, built with the settings it was started with", async () => {
  const { client } = makeClient();
  const answer = await client.request({ kind: "echo", text: "hi" }, { timeoutMs: 1000 });
  assert.deepEqual(answer, { outcome: "echoed", text: "hi", settings: "the settings" });
  client.close();
});

Deno.test("a request that takes too long fails cleanly and the worker is told to stop it", async () => {
  const { client, cancels } = makeClient();
  const answer = await client.request({ kind: "hang" }, { timeoutMs: 50 });
  assert.equal(answer.outcome, "failed");
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(cancels(), 1);
  client.close();
});

Deno.test("cancelling through the caller's signal fails the request", async () => {
  const { client } = makeClient();
  const controller = new AbortController();
  const pending = client.request({ kind: "hang" }, { timeoutMs: 10_000, signal: controller.signal });
  controller.abort();
  assert.deepEqual(await pending, { outcome: "failed", message: "Cancelled.", userFacing: false });
  client.close();
});

Deno.test("a handler that throws is a failed answer, not a hung request", async () => {
  const { client } = makeClient();
  const answer = await client.request({ kind: "throw" }, { timeoutMs: 1000 });
  assert.equal(answer.outcome, "failed");
  assert.ok(answer.outcome === "failed" && answer.message.includes("a bug in the handler"));
  client.close();
});

Deno.test("a worker that dies fails its requests in flight and is replaced", async () => {
  const { client, workers } = makeClient();
  const pending = client.request({ kind: "hang" }, { timeoutMs: 10_000 });
  await new Promise((resolve) => setTimeout(resolve, 10));
  workers[0].crash();
  assert.equal((await pending).outcome, "failed");
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(workers.length, 2);
  const answer = await client.request({ kind: "echo", text: "again" }, { timeoutMs: 1000 });
  assert.equal(answer.outcome, "echoed");
  client.close();
});

Deno.test("a worker that keeps dying at start-up is restarted ever more slowly", async () => {
  const { client, workers } = makeClient();
  workers[0].crash();
  await new Promise((resolve) => setTimeout(resolve, 150));
  workers[1].crash();
  const answer = await client.request({ kind: "echo", text: "meanwhile" }, { timeoutMs: 1000 });
  assert.equal(answer.outcome, "failed", "requests fail fast while the worker is down");
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(workers.length, 2, "the second restart waits longer than the first");
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(workers.length, 3);
  client.close();
});
