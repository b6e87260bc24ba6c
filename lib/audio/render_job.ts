/**
 * Rendering a prepared file with a guild's volume and filters: ffmpeg reads the file's Ogg Opus from a
 * position (following it while it is still written), runs the allow-listed filter chain with the gain that
 * keeps the song at the target loudness under its filters, and writes Ogg Opus in 20 ms pages that the
 * player follows as they appear. The render starts ahead of play: `streaming` settles once its first audio
 * is on disk, and the player switches to it then. A render is an ffmpeg job like a preparation, and takes
 * one of the transcoder's slots while it runs.
 */
import { waitForOggPages } from "./growing_ogg.ts";
import { correctionCommand, filterGraph } from "./filter_graph.ts";
import { dirname, join } from "node:path";
import type { AudioEffects } from "../audio_effects.ts";
import type { LoudnessTarget } from "./loudnorm.ts";
import { ToolProcess } from "../process/tool_process.ts";
import { fedOggOpusInput, feedOggOpus, type PreparedInput } from "./ogg_feed.ts";

/** One 20 ms packet per page: the first audio is on disk as soon as ffmpeg made it. */
const PAGE_MICROSECONDS = 20_000;
/** OpusHead, OpusTags and the first audio page. */
const FIRST_PAGES = 3;

/** What to render, from where, to where. */
export interface RenderOrder extends PreparedInput {
  startSeconds: number;
  effects: AudioEffects;
  outputPath: string;
}

/** What a render needs besides ffmpeg: a slot to run in, and the gain its filters call for. */
export interface RenderNeeds {
  /** Waits for a slot; resolves with its release. */
  admit(signal: AbortSignal): Promise<() => void>;
  /** The gain in dB that keeps the song at the target loudness under `order`'s filters. */
  correctionDb(order: RenderOrder, signal: AbortSignal): Promise<number>;
}

/** ffmpeg arguments: Ogg Opus on stdin, filtered, Ogg Opus to `output` page by page. */
export function renderArgs(
  effects: AudioEffects,
  target: LoudnessTarget,
  output: string,
  correction?: number | { commandFile: string },
): string[] {
  return [
    ...["-hide_banner", "-nostdin", "-v", "error", "-y"],
    ...fedOggOpusInput(),
    ...["-vn", "-sn", "-dn", "-map_metadata", "-1"],
    ...["-af", filterGraph(effects, target, correction)],
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

  constructor(ffmpeg: string, target: LoudnessTarget, order: RenderOrder, needs: RenderNeeds) {
    const signal = this.#controller.signal;
    this.finished = this.#render(ffmpeg, target, order, needs, signal);
    this.streaming = waitForOggPages(order.outputPath, FIRST_PAGES, this.finished, signal).then(
      async (ready) => {
        // Shorter than a page, or broken: the end says which.
        if (!ready) await this.finished;
      },
    );
    this.finished.catch(() => {});
    this.streaming.catch(() => {});
  }

  cancel(reason?: unknown): void {
    this.#controller.abort(reason ?? new DOMException("The render is no longer wanted.", "AbortError"));
  }

  async #render(
    ffmpeg: string,
    target: LoudnessTarget,
    order: RenderOrder,
    needs: RenderNeeds,
    signal: AbortSignal,
  ): Promise<void> {
    const release = await needs.admit(signal);
    const folder = dirname(order.outputPath);
    const commandFile = `.partial-gain-${crypto.randomUUID()}.txt`;
    let tool: ToolProcess | undefined;
    try {
      // ffmpeg starts while the correction is found (its start-up is tens of milliseconds); it reads the
      // correction from the command file once its audio comes, which is only fed once the file is written.
      tool = ToolProcess.spawn(ffmpeg, {
        args: renderArgs(order.effects, target, order.outputPath, { commandFile }),
        cwd: folder,
        stdin: "piped",
        stdout: "null",
        signal,
      });
      const output = tool.output();
      output.catch(() => {});
      const correctionDb = await needs.correctionDb(order, signal);
      await Deno.writeTextFile(join(folder, commandFile), correctionCommand(correctionDb));
      const [exit] = await Promise.all([output, feedOggOpus(tool, order, order.startSeconds, signal)]);
      signal.throwIfAborted();
      if (!exit.success) {
        const words = new TextDecoder().decode(exit.stderr).trim().split("\n").slice(-2).join(" | ");
        throw new Error(`ffmpeg could not render the filters (code ${exit.code}): ${words}`);
      }
    } finally {
      // Still waiting for its audio if anything before the feed failed; gone already otherwise.
      tool?.kill();
      release();
      await Deno.remove(join(folder, commandFile)).catch(() => {});
    }
  }
}
