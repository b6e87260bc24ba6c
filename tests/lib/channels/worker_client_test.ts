import assert from "node:assert/strict";
import { WorkerClient } from "../../../lib/channels/worker_client.ts";
import { serveRequests, type WorkerScope } from "../../../lib/channels/worker_server.ts";
import type { WorkerPort } from "../../../lib/channels/worker_protocol.ts";
import { LiveTools } from "../../../lib/process/live_tools.ts";
import { ToolProcess } from "../../../lib/process/tool_process.ts";
import { isAlive } from "../process/proc_table.ts";
import { waitUntil } from "../../fakes/wait_until.ts";

type Request = { kind: "echo"; text: string } | { kind: "hang" } | { kind: "throw" } | { kind: "tool" };
type Answer = { outcome: "echoed"; text: string; settings: string } | { outcome: "tool"; grandchild: number };

interface Hooks {
  onCancel?: () => void;
  /** The worker's tool registry: a tool request starts `sh` with a `sleep` grandchild in it. */
  tools?: LiveTools;
}

/** A worker in the same thread: two message ports, with the server's scope on the far end. */
function inMemoryWorker(hooks: Hooks = {}): WorkerPort & { crash(): void } {
  const channel = new MessageChannel();
  const scope = channel.port2 as unknown as WorkerScope;
  serveRequests<string, Request, Answer>(scope, (settings) => async (request, signal) => {
    if (request.kind === "echo") return { outcome: "echoed", text: request.text, settings };
    if (request.kind === "throw") throw new Error("a bug in the handler");
    if (request.kind === "tool") {
      const tool = ToolProcess.spawn("sh", {
        args: ["-c", "sleep 1000 & echo $!; wait"],
        stderr: "null",
        signal,
        registry: hooks.tools,
      });
      const { value } = await tool.child.stdout.getReader().read();
      return { outcome: "tool", grandchild: Number(new TextDecoder().decode(value).trim()) };
    }
    return await new Promise<Answer>((_, reject) =>
      signal.addEventListener("abort", () => (hooks.onCancel?.(), reject()))
    );
  }, { tools: hooks.tools });
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

/** A client whose workers are recorded; `started(n)` resolves when the n-th worker (from 1) exists. */
function makeClient(hooks: Hooks = {}) {
  const workers: ReturnType<typeof inMemoryWorker>[] = [];
  const spawnedAt: number[] = [];
  const waiters = new Map<number, () => void>();
  let cancelled = Promise.withResolvers<void>();
  const client = new WorkerClient<Request, Answer>("test worker", () => {
    workers.push(inMemoryWorker({ ...hooks, onCancel: () => cancelled.resolve() }));
    spawnedAt.push(performance.now());
    waiters.get(workers.length)?.();
    return workers.at(-1)!;
  }, "the settings");
  const started = (count: number) =>
    workers.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.set(count, resolve));
  const nextCancel = () => (cancelled = Promise.withResolvers<void>()).promise;
  return { client, workers, spawnedAt, started, nextCancel };
}

function failure(answer: unknown) {
  assert.ok((answer as { outcome: string }).outcome === "failed", `failed: ${JSON.stringify(answer)}`);
  return answer as { message: string; temporary: boolean; userFacing: boolean };
}

Deno.test("a request gets the worker's answer, built with the settings it was started with", async () => {
  const { client } = makeClient();
  const answer = await client.request({ kind: "echo", text: "hi" }, { timeoutMs: 10_000 });
  assert.deepEqual(answer, { outcome: "echoed", text: "hi", settings: "the settings" });
  client.close();
});

Deno.test("a request that takes too long fails as temporary and the worker is told to stop it", async () => {
  const { client, nextCancel } = makeClient();
  const cancelled = nextCancel();
  const answer = failure(await client.request({ kind: "hang" }, { timeoutMs: 50 }));
  assert.equal(answer.temporary, true);
  assert.match(answer.message, /took too long/);
  await cancelled;
  client.close();
});

Deno.test("cancelling through the caller's signal fails the request, not to be tried again", async () => {
  const { client } = makeClient();
  const controller = new AbortController();
  const pending = client.request({ kind: "hang" }, { timeoutMs: 10_000, signal: controller.signal });
  controller.abort();
  assert.deepEqual(await pending, {
    outcome: "failed",
    message: "Cancelled.",
    userFacing: false,
    temporary: false,
  });
  client.close();
});

Deno.test("a handler that throws is a permanent failed answer, not a hung request", async () => {
  const { client } = makeClient();
  const answer = failure(await client.request({ kind: "throw" }, { timeoutMs: 10_000 }));
  assert.ok(answer.message.includes("a bug in the handler"));
  assert.equal(answer.temporary, false);
  client.close();
});

Deno.test("a worker that dies fails its requests in flight as temporary and is replaced", async () => {
  const { client, workers, started } = makeClient();
  const pending = client.request({ kind: "hang" }, { timeoutMs: 10_000 });
  // An answered request proves the hang request reached the worker before it dies.
  await client.request({ kind: "echo", text: "ping" }, { timeoutMs: 10_000 });
  workers[0].crash();
  const answer = failure(await pending);
  assert.equal(answer.temporary, true);
  assert.match(answer.message, /stopped unexpectedly/);
  await started(2);
  const again = await client.request({ kind: "echo", text: "again" }, { timeoutMs: 10_000 });
  assert.equal(again.outcome, "echoed");
  client.close();
});

Deno.test("a request sent while the worker restarts waits for the new worker and gets its answer", async () => {
  const { client, workers } = makeClient();
  workers[0].crash();
  const answer = await client.request({ kind: "echo", text: "meanwhile" }, { timeoutMs: 10_000 });
  assert.deepEqual(answer, { outcome: "echoed", text: "meanwhile", settings: "the settings" });
  assert.equal(workers.length, 2, "answered by the new worker");
  client.close();
});

Deno.test("a request waiting for a restart is still bounded by its own timeout", async () => {
  const { client, workers, started } = makeClient();
  workers[0].crash();
  const answer = failure(await client.request({ kind: "echo", text: "hurry" }, { timeoutMs: 5 }));
  assert.equal(answer.temporary, true);
  assert.match(answer.message, /took too long \(it was restarting\)/);
  await started(2);
  client.close();
});

Deno.test("a worker that keeps dying at start-up is restarted ever more slowly", async () => {
  const { client, workers, spawnedAt, started } = makeClient();
  workers[0].crash();
  await started(2);
  workers[1].crash();
  await started(3);
  // The waits are at least 100 ms, then 200 ms: lower bounds only, which a busy machine cannot break.
  assert.ok(spawnedAt[1] - spawnedAt[0] >= 95, `first wait ${spawnedAt[1] - spawnedAt[0]} ms`);
  assert.ok(spawnedAt[2] - spawnedAt[1] >= 195, `second wait ${spawnedAt[2] - spawnedAt[1]} ms`);
  client.close();
});

Deno.test("onRestart hears each new worker started after a death, and nothing else", async () => {
  const workers: ReturnType<typeof inMemoryWorker>[] = [];
  let restarts = 0;
  const restarted = Promise.withResolvers<void>();
  const client = new WorkerClient<Request, Answer>(
    "test worker",
    () => {
      workers.push(inMemoryWorker());
      return workers.at(-1)!;
    },
    "the settings",
    {
      onRestart: () => {
        restarts++;
        restarted.resolve();
      },
    },
  );
  assert.equal((await client.request({ kind: "echo", text: "hi" }, { timeoutMs: 10_000 })).outcome, "echoed");
  assert.equal(restarts, 0, "the first start is no restart");
  workers[0].crash();
  await restarted.promise;
  assert.equal(restarts, 1);
  assert.equal(workers.length, 2, "reported once the new worker exists");
  client.close();
});

Deno.test("the tool processes of a worker that dies are killed from the main thread", async () => {
  const tools = new LiveTools();
  const { client, workers, started } = makeClient({ tools });
  const answer = await client.request({ kind: "tool" }, { timeoutMs: 10_000 });
  assert.ok(answer.outcome === "tool");
  // The group was reported before the answer, on the same channel.
  workers[0].crash();
  await waitUntil(() => !isAlive(answer.grandchild), `grandchild ${answer.grandchild} is gone`);
  await started(2);
  client.close();
});

Deno.test("shutdown has the worker kill its tools, fails what is pending for good, and closes", async () => {
  const tools = new LiveTools();
  const { client } = makeClient({ tools });
  const answer = await client.request({ kind: "tool" }, { timeoutMs: 10_000 });
  assert.ok(answer.outcome === "tool");
  const hanging = client.request({ kind: "hang" }, { timeoutMs: 10_000 });
  await client.shutdown(10_000);
  assert.equal(failure(await hanging).temporary, false);
  assert.deepEqual(tools.pgids, [], "the worker's registry saw its tools end");
  await waitUntil(() => !isAlive(answer.grandchild), `grandchild ${answer.grandchild} is gone`);
  const late = failure(await client.request({ kind: "echo", text: "late" }, { timeoutMs: 10_000 }));
  assert.match(late.message, /shut down/);
});

Deno.test("shutdown gives up on a worker that does not answer and terminates it", async () => {
  let terminated = false;
  const silent: WorkerPort = {
    postMessage: () => {},
    onmessage: null,
    onerror: null,
    terminate: () => void (terminated = true),
  };
  const client = new WorkerClient<Request, Answer>("silent worker", () => silent, "the settings");
  await client.shutdown(20);
  assert.ok(terminated);
});
