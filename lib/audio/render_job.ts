/**
 * Rendering a prepared file with a guild's volume and filters: ffmpeg reads the file's Ogg Opus from a
 * position (following it while it is still written), runs the allow-listed filter chain, and writes Ogg
 * Opus in 20 ms pages that the player follows as they appear. The render starts ahead of play: `streaming`
 * settles once its first audio is on disk, and the player switches to it then.
 */
import { openGrowingOggOpus, waitForOggPages } from "./growing_ogg.ts";
import { filterGraph } from "./filter_graph.ts";
import type { AudioEffects } from "../audio_effects.ts";
import type { LoudnessTarget } from "./loudnorm.ts";
import { ToolProcess } from "../process/tool_process.ts";

/** One 20 ms packet per page: the first audio is on disk as soon as ffmpeg made it. */
const PAGE_MICROSECONDS = 20_000;
/** OpusHead, OpusTags and the first audio page. */
const FIRST_PAGES = 3;

/** What to render, from where, to where. */
export interface RenderOrder {
  /** The prepared file (complete, or still being written). */
  inputPath: string;
  /** Where the input goes once complete (into the cache), if it is still being written. */
  movedTo?: string;
  /** Resolves true once the input is complete, false if it never will be. */
  inputComplete: Promise<boolean>;
  startSeconds: number;
  effects: AudioEffects;
  outputPath: string;
}

/** ffmpeg arguments: Ogg Opus on stdin, filtered, Ogg Opus to `output` page by page. */
export function renderArgs(effects: AudioEffects, target: LoudnessTarget, output: string): string[] {
  return [
    ...["-hide_banner", "-nostdin", "-v", "error", "-y"],
    // The input is known Ogg Opus: no long probe before the first packet.
    ...["-probesize", "4096", "-analyzeduration", "0", "-f", "ogg", "-i", "pipe:0"],
    ...["-vn", "-sn", "-dn", "-map_metadata", "-1"],
    ...["-af", filterGraph(effects, target)],
    ...["-ar", "48000", "-ac", "2", "-c:a", "libopus", "-b:a", "128k", "-vbr", "on", "-frame_duration", "20"],
    ...["-flush_packets", "1", "-page_duration", String(PAGE_MICROSECONDS), "-f", "ogg", output],
  ];
}

/** A render in progress; cancelling it kills ffmpeg and stops reading the input. */
export class RenderJob {
  /** Settles once the output holds its first audio. */
  readonly streaming: Promise<void>;
  /** Settles once the output is complete. */
  readonly finished: Promise<void>;
  readonly #controller = new AbortController();

  constructor(ffmpeg: string, target: LoudnessTarget, order: RenderOrder) {
    const signal = this.#controller.signal;
    const tool = ToolProcess.spawn(ffmpeg, {
      args: renderArgs(order.effects, target, order.outputPath),
      stdin: "piped",
      stdout: "null",
      signal,
    });
    const feeding = this.#feed(tool, order, signal);
    const exited = tool.output().then((output) => {
      signal.throwIfAborted();
      if (!output.success) {
        const words = new TextDecoder().decode(output.stderr).trim().split("\n").slice(-2).join(" | ");
        throw new Error(`ffmpeg could not render the filters (code ${output.code}): ${words}`);
      }
    });
    this.finished = Promise.all([exited, feeding]).then(() => {});
    this.streaming = waitForOggPages(order.outputPath, FIRST_PAGES, this.finished, signal).then(
      async (ready) => {
        // Shorter than a page, or broken: the exit says which.
        if (!ready) await this.finished;
      },
    );
    this.finished.catch(() => {});
    this.streaming.catch(() => {});
  }

  cancel(reason?: unknown): void {
    this.#controller.abort(reason ?? new DOMException("The render is no longer wanted.", "AbortError"));
  }

  async #feed(tool: ToolProcess, order: RenderOrder, signal: AbortSignal): Promise<void> {
    const input = openGrowingOggOpus(order.inputPath, {
      startSeconds: order.startSeconds,
      complete: order.inputComplete,
      movedTo: order.movedTo,
      signal,
    });
    const writer = tool.child.stdin.getWriter();
    try {
      for await (const chunk of input) await writer.write(chunk as Uint8Array);
      await writer.close();
    } catch (error) {
      // ffmpeg gone (killed, or failed: its exit says why) closes the pipe under the writer.
      input.destroy();
      if (!signal.aborted) await writer.abort(error).catch(() => {});
    }
  }
}
