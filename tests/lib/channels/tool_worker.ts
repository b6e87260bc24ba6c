/// <reference lib="deno.worker" />
/** A real Web Worker for the tests: starts tools that start grandchildren, or dies when told to. */
import { serveRequests } from "../../../lib/channels/worker_server.ts";
import { liveTools } from "../../../lib/process/live_tools.ts";
import { ToolProcess } from "../../../lib/process/tool_process.ts";

export type ToolRequest = { kind: "tool" } | { kind: "die" };
export type ToolAnswer = { outcome: "tool"; grandchild: number };

serveRequests<unknown, ToolRequest, ToolAnswer>(self, () => async (request, signal) => {
  if (request.kind === "die") {
    setTimeout(() => {
      throw new Error("the worker dies");
    });
    return await new Promise<never>(() => {});
  }
  const tool = ToolProcess.spawn("sh", {
    args: ["-c", "sleep 1000 & echo $!; wait"],
    stderr: "null",
    signal,
  });
  const { value } = await tool.child.stdout.getReader().read();
  return { outcome: "tool", grandchild: Number(new TextDecoder().decode(value).trim()) };
}, { tools: liveTools });
