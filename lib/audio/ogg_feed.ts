/**
 * Feeding a tool the Ogg Opus of a prepared file from a position, following the file while it is still
 * written: how a render and its loudness probe read their input.
 */
import { openGrowingOggOpus } from "./growing_ogg.ts";
import type { ToolProcess } from "../process/tool_process.ts";

/**
 * ffmpeg's input options for what `feedOggOpus` writes, `seconds` of it at most: known Ogg Opus, so no long
 * probe before the first packet.
 */
export function fedOggOpusInput(seconds?: number): string[] {
  return [
    ...["-probesize", "4096", "-analyzeduration", "0", "-f", "ogg"],
    ...(seconds === undefined ? [] : ["-t", String(seconds)]),
    ...["-i", "pipe:0"],
  ];
}

/** Where a prepared file is, and whether it is complete yet. */
export interface PreparedInput {
  /** The prepared file (complete, or still being written). */
  inputPath: string;
  /** Where the input goes once complete (into the cache), if it is still being written. */
  movedTo?: string;
  /** Resolves true once the input is complete, false if it never will be. */
  inputComplete: Promise<boolean>;
}

/**
 * Writes the input from `startSeconds` to the tool's stdin and closes it. A tool that stops reading (it
 * has what it needs, was killed, or failed: its exit says which) ends the feed without an error.
 */
export async function feedOggOpus(
  tool: ToolProcess,
  input: PreparedInput,
  startSeconds: number,
  signal: AbortSignal,
): Promise<void> {
  const reader = openGrowingOggOpus(input.inputPath, {
    startSeconds,
    complete: input.inputComplete,
    movedTo: input.movedTo,
    signal,
  });
  const writer = tool.child.stdin.getWriter();
  try {
    for await (const chunk of reader) await writer.write(chunk as Uint8Array);
    await writer.close();
  } catch (error) {
    reader.destroy();
    if (!signal.aborted) await writer.abort(error).catch(() => {});
  }
}
