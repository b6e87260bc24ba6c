/** Runs an external tool (ffmpeg) to completion, with cancellation and a readable failure. */
import { ToolProcess } from "../process/tool_process.ts";

export interface ToolResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs `command args`, resolving with its output when it exits 0 and rejecting with its last words otherwise.
 * Aborting kills the tool's whole process group.
 */
export async function runTool(command: string, args: string[], signal?: AbortSignal): Promise<ToolResult> {
  const tool = startTool(command, args, signal);
  const output = await tool.output();
  const stdout = new TextDecoder().decode(output.stdout);
  const stderr = new TextDecoder().decode(output.stderr);
  signal?.throwIfAborted();
  if (!output.success) {
    throw new Error(`${command} exited with code ${output.code}: ${lastLines(stderr, 3)}`);
  }
  return { stdout, stderr };
}

function startTool(command: string, args: string[], signal?: AbortSignal): ToolProcess {
  try {
    return ToolProcess.spawn(command, { args, signal });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error(`"${command}" was not found; install it or set its path in the configuration`);
    }
    throw error;
  }
}

function lastLines(text: string, count: number): string {
  return text.trim().split("\n").slice(-count).join(" | ");
}
