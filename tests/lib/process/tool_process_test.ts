import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { LiveTools } from "../../../lib/process/live_tools.ts";
import { ToolProcess } from "../../../lib/process/tool_process.ts";
import { isAlive, processesInGroup } from "./proc_table.ts";
import { waitUntil } from "../../fakes/wait_until.ts";

/** `sh` that starts `sleep` in the background and prints its pid; `wait` keeps sh alive unless told not to. */
async function shWithGrandchild(
  options: { signal?: AbortSignal; registry?: LiveTools; wait?: boolean } = {},
) {
  const script = options.wait === false ? "sleep 1000 >/dev/null & echo $!" : "sleep 1000 & echo $!; wait";
  const tool = ToolProcess.spawn("sh", {
    args: ["-c", script],
    stderr: "null",
    signal: options.signal,
    registry: options.registry ?? new LiveTools(),
  });
  const reader = tool.child.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  const grandchild = Number(new TextDecoder().decode(value).trim());
  assert.ok(isAlive(grandchild), "the grandchild runs");
  return { tool, grandchild };
}

Deno.test("a tool leads a process group of its own, with what it starts inside", async () => {
  const { tool, grandchild } = await shWithGrandchild();
  try {
    assert.notEqual(tool.pgid, Deno.pid);
    assert.deepEqual(
      processesInGroup(tool.pgid).map((info) => info.pid).sort(),
      [tool.pgid, grandchild].sort(),
    );
  } finally {
    tool.kill();
    await tool.status;
  }
});

Deno.test("aborting a tool kills the grandchild it started too", async () => {
  const controller = new AbortController();
  const { tool, grandchild } = await shWithGrandchild({ signal: controller.signal });
  controller.abort();
  const status = await tool.status;
  assert.equal(status.signal, "SIGKILL");
  assert.ok(tool.killed);
  await waitUntil(() => !isAlive(grandchild), `grandchild ${grandchild} is gone`);
  assert.deepEqual(processesInGroup(tool.pgid), []);
});

Deno.test("a tool that exits leaving a child behind has that child killed", async () => {
  const { tool, grandchild } = await shWithGrandchild({ wait: false });
  const status = await tool.status;
  assert.equal(status.code, 0, "sh itself ended normally");
  assert.equal(tool.killed, false);
  await waitUntil(() => !isAlive(grandchild), `leftover ${grandchild} is gone`);
});

Deno.test("an already aborted signal refuses to start the tool", () => {
  assert.throws(
    () => ToolProcess.spawn("sh", { args: ["-c", "true"], signal: AbortSignal.abort(new Error("too late")) }),
    /too late/,
  );
});

Deno.test("the registry knows each live group and killAll ends them all", async () => {
  const registry = new LiveTools();
  const changes: string[] = [];
  registry.listen((change) => changes.push(`${change.type} ${change.pgid}`));
  const first = await shWithGrandchild({ registry });
  const second = await shWithGrandchild({ registry });
  assert.deepEqual(registry.pgids.sort(), [first.tool.pgid, second.tool.pgid].sort());
  await registry.killAll(10_000);
  assert.deepEqual(registry.pgids, []);
  for (const { grandchild } of [first, second]) {
    await waitUntil(() => !isAlive(grandchild), `grandchild ${grandchild} is gone`);
  }
  assert.deepEqual(
    changes.sort(),
    [
      `ended ${first.tool.pgid}`,
      `ended ${second.tool.pgid}`,
      `started ${first.tool.pgid}`,
      `started ${second.tool.pgid}`,
    ].sort(),
  );
});

Deno.test("groups are killed with only the bot's permissions: named programs to run, and FFI", async () => {
  const probe = fileURLToPath(new URL("./group_kill_probe.ts", import.meta.url));
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "--no-lock", "--allow-run=sh", "--allow-ffi", "--allow-read", probe],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.ok(output.success, stderr);
  assert.equal(stderr, "", "no complaint about permissions");
  const { tool, grandchild, signal } = JSON.parse(new TextDecoder().decode(output.stdout));
  assert.equal(signal, "SIGKILL");
  await waitUntil(() => !isAlive(grandchild), `grandchild ${grandchild} is gone`);
  assert.deepEqual(processesInGroup(tool), []);
});

Deno.test("a tool sees none of the bot's variables but PATH, HOME and the locale, plus what it is given", async () => {
  Deno.env.set("DISCORD_TOKEN_FOR_TOOL_TEST", "secret-token");
  try {
    const tool = ToolProcess.spawn("env", { args: [], env: { GIVEN: "yes" }, registry: new LiveTools() });
    const output = new TextDecoder().decode((await tool.output()).stdout);
    const names = output.trim().split("\n").map((line) => line.slice(0, line.indexOf("=")));
    assert.ok(!output.includes("secret-token"), output);
    assert.ok(names.includes("PATH") && names.includes("GIVEN"), output);
    for (const name of names) {
      assert.ok(
        ["PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "GIVEN"].includes(name),
        `${name} reached the tool`,
      );
    }
  } finally {
    Deno.env.delete("DISCORD_TOKEN_FOR_TOOL_TEST");
  }
});
