import assert from "node:assert/strict";
import { LiveTools } from "../../lib/process/live_tools.ts";
import { ToolProcess } from "../../lib/process/tool_process.ts";
import { Shutdown, type ShutdownParts } from "../../lib/shutdown.ts";
import { isAlive } from "./process/proc_table.ts";
import { waitUntil } from "../fakes/wait_until.ts";

/** A shutdown whose parts and exit only write down what happened. */
function recordingShutdown(overrides: Partial<ShutdownParts> = {}) {
  const events: string[] = [];
  const parts: ShutdownParts = {
    closeSessions: () => void events.push("sessions"),
    closeWorkers: () => void events.push("workers"),
    closeGateway: () => void events.push("gateway"),
    closeStore: () => void events.push("store"),
    ...overrides,
  };
  const shutdown = new Shutdown(parts, {
    exit: (code) => void events.push(`exit ${code}`),
    stepTimeoutMs: 50,
    log: (line) => void events.push(`log ${line}`),
    logError: (line) => void events.push(`error ${line}`),
  });
  return { shutdown, events };
}

Deno.test("hooks run first, then voice, workers, gateway and store close, then the process exits 0", async () => {
  const { shutdown, events } = recordingShutdown();
  shutdown.onShutdown("saving state", async () => {
    assert.equal(shutdown.accepting, false, "interactions stop before anything else");
    await Promise.resolve();
    events.push("saved");
  });
  assert.equal(shutdown.accepting, true);
  await shutdown.run(0, "Received SIGTERM; shutting down.");
  assert.deepEqual(events, [
    "log Received SIGTERM; shutting down.",
    "saved",
    "sessions",
    "workers",
    "gateway",
    "store",
    "log Stopped.",
    "exit 0",
  ]);
});

Deno.test("a fatal reason is logged as an error and the exit code is kept", async () => {
  const { shutdown, events } = recordingShutdown();
  await shutdown.run(1, "Discord rejected the bot token.");
  assert.equal(events[0], "error Discord rejected the bot token.");
  assert.equal(events.at(-1), "exit 1");
});

Deno.test("only the first request runs the shutdown", async () => {
  const { shutdown, events } = recordingShutdown();
  await Promise.all([shutdown.run(0, "first"), shutdown.run(1, "second")]);
  assert.deepEqual(events.filter((event) => event.startsWith("exit")), ["exit 0"]);
});

Deno.test("a failing or hanging step is logged and the rest still runs", async () => {
  const { shutdown, events } = recordingShutdown({
    closeSessions: () => Promise.reject(new Error("voice is stuck")),
    closeGateway: () => new Promise(() => {}),
  });
  await shutdown.run(0, "bye");
  assert.deepEqual(events.slice(1), [
    "error Shutdown: leaving voice failed:",
    "workers",
    "error Shutdown: closing the gateway took over 50 ms; moving on.",
    "store",
    "log Stopped.",
    "exit 0",
  ]);
});

Deno.test("shutdown kills the main thread's tool processes, grandchildren included, after the workers", async () => {
  const registry = new LiveTools();
  const tool = ToolProcess.spawn("sh", {
    args: ["-c", "sleep 1000 & echo $!; wait"],
    stderr: "null",
    registry,
  });
  const { value } = await tool.child.stdout.getReader().read();
  const grandchild = Number(new TextDecoder().decode(value).trim());
  const events: string[] = [];
  const shutdown = new Shutdown({
    closeSessions: () => {},
    closeWorkers: () => void events.push("workers"),
    killTools: async () => {
      await registry.killAll(10_000);
      events.push("tools");
    },
    closeGateway: () => void events.push("gateway"),
    closeStore: () => {},
  }, { exit: () => void events.push("exit"), stepTimeoutMs: 30_000, log: () => {}, logError: () => {} });
  await shutdown.run(0, "Received SIGINT; shutting down.");
  assert.deepEqual(events, ["workers", "tools", "gateway", "exit"]);
  assert.equal((await tool.status).signal, "SIGKILL");
  await waitUntil(() => !isAlive(grandchild), `grandchild ${grandchild} is gone`);
});
