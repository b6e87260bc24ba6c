/**
 * Real Web Workers: terminating one does not end the processes it started, so the client has the worker
 * kill them at shutdown, and kills them itself when the worker dies.
 */
import assert from "node:assert/strict";
import { WorkerClient } from "../../../lib/channels/worker_client.ts";
import { isAlive } from "../process/proc_table.ts";
import { waitUntil } from "../../fakes/wait_until.ts";
import type { ToolAnswer, ToolRequest } from "./tool_worker.ts";

function toolWorkerClient(onSpawn: () => void = () => {}) {
  return new WorkerClient<ToolRequest, ToolAnswer>("tool worker", () => {
    onSpawn();
    return new Worker(new URL("./tool_worker.ts", import.meta.url), { type: "module" });
  }, {});
}

async function startTool(client: WorkerClient<ToolRequest, ToolAnswer>): Promise<number> {
  const answer = await client.request({ kind: "tool" }, { timeoutMs: 60_000 });
  assert.ok(answer.outcome === "tool", JSON.stringify(answer));
  assert.ok(isAlive(answer.grandchild));
  return answer.grandchild;
}

Deno.test("shutting a worker down kills the tools it started, grandchildren included", async () => {
  const client = toolWorkerClient();
  const grandchildren = [await startTool(client), await startTool(client)];
  await client.shutdown(10_000);
  for (const pid of grandchildren) await waitUntil(() => !isAlive(pid), `grandchild ${pid} is gone`);
});

Deno.test("the tools of a worker that dies are killed, and a new worker takes the next request", async () => {
  let spawned = 0;
  const client = toolWorkerClient(() => spawned++);
  try {
    const grandchild = await startTool(client);
    const died = await client.request({ kind: "die" }, { timeoutMs: 60_000 });
    assert.ok(died.outcome === "failed" && died.temporary, JSON.stringify(died));
    await waitUntil(() => !isAlive(grandchild), `grandchild ${grandchild} is gone`);
    // Sent while the new worker starts: it waits for it instead of failing.
    const next = await startTool(client);
    assert.equal(spawned, 2);
    await client.shutdown(10_000);
    await waitUntil(() => !isAlive(next), `grandchild ${next} is gone`);
  } finally {
    client.close();
  }
});
