/**
 * A live stream being played: the source's bytes are piped into one ffmpeg that normalizes and encodes them
 * (see live_encode.ts), and its Ogg Opus is handed out chunk by chunk as the player asks for it.
 *
 * Nothing touches the disk. Nothing is read ahead either: ffmpeg's output is read only when asked for, so
 * once the pipes are full ffmpeg waits, stops reading its input, and the source is read no faster than the
 * listeners hear it. What is held at any time is bounded by the pipes' and sockets' buffers.
 */
import { ToolProcess } from "../process/tool_process.ts";
import { liveEncodeArgs } from "./live_encode.ts";
import type { LoudnessTarget } from "./loudnorm.ts";
import type { AudioEffects } from "../audio_effects.ts";

/** A source that sends nothing for this long is given up on (the player would have starved anyway). */
const STALL_TIMEOUT_MS = 20_000;
/** ffmpeg's last words kept for the log, at most. */
const STDERR_KEEP = 4096;

/** One piece of the encoded stream; `end` once there is nothing more. */
export interface LiveChunk {
  bytes: Uint8Array;
  end: boolean;
}

type LiveState =
  | { status: "playing" }
  | { status: "ended" }
  | { status: "failed"; error: unknown };

/** ffmpeg turning a live source into normalized Ogg Opus, read on demand. */
export class LiveStream {
  #state: LiveState = { status: "playing" };
  readonly #tool: ToolProcess;
  readonly #output: ReadableStreamDefaultReader<Uint8Array>;
  #stderr = "";
  #pending?: Uint8Array;
  #reading: Promise<unknown> = Promise.resolve();
  readonly #over = Promise.withResolvers<void>();

  /**
   * Starts ffmpeg on `input`; `closeInput` runs once the input is no longer read (its connection and proxy
   * can go). Aborting `signal` kills ffmpeg's process group.
   */
  constructor(
    ffmpeg: string,
    target: LoudnessTarget,
    input: ReadableStream<Uint8Array>,
    closeInput: () => Promise<void>,
    signal: AbortSignal,
    effects?: AudioEffects,
  ) {
    this.#tool = ToolProcess.spawn(ffmpeg, {
      args: liveEncodeArgs(target, effects),
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      signal,
    });
    this.#output = this.#tool.child.stdout.getReader();
    signal.addEventListener("abort", () => this.stop(signal.reason), { once: true });
    void this.#keepStderr(this.#tool.child.stderr);
    void this.#pump(input, this.#tool.child.stdin, signal).finally(closeInput);
  }

  get status(): LiveState["status"] {
    return this.#state.status;
  }

  /** Resolves once the stream has ended, failed or been stopped. */
  get over(): Promise<void> {
    return this.#over.promise;
  }

  /** Waits for the first encoded audio; rejects with ffmpeg's reason if it ends without any. */
  async firstAudio(): Promise<void> {
    const chunk = await this.read();
    if (chunk.bytes.length === 0) {
      throw new Error(`ffmpeg made no audio from the stream: ${this.#stderr.trim() || "it ended at once"}`);
    }
    this.#pending = chunk.bytes;
  }

  /** The next encoded bytes (as many as ffmpeg has written), one read at a time. */
  read(): Promise<LiveChunk> {
    const next = this.#reading.then(() => this.#readNow());
    this.#reading = next.catch(() => {});
    return next;
  }

  /** Kills ffmpeg; later reads fail. */
  stop(reason: unknown = new Error("The live stream was stopped")): void {
    if (this.#state.status === "playing") this.#set({ status: "failed", error: reason });
    this.#tool.kill();
  }

  async #readNow(): Promise<LiveChunk> {
    if (this.#pending) {
      const bytes = this.#pending;
      this.#pending = undefined;
      return { bytes, end: false };
    }
    if (this.#state.status === "failed") throw this.#state.error;
    if (this.#state.status === "ended") return { bytes: new Uint8Array(), end: true };
    const { done, value } = await this.#output.read();
    if (!done) return { bytes: value, end: false };
    const status = await this.#tool.status;
    if (!status.success && !this.#tool.killed) {
      const error = new Error(`ffmpeg exited with code ${status.code}: ${this.#stderr.trim()}`);
      this.#set({ status: "failed", error });
      throw error;
    }
    this.#set({ status: "ended" });
    return { bytes: new Uint8Array(), end: true };
  }

  #set(state: LiveState): void {
    this.#state = state;
    if (state.status !== "playing") this.#over.resolve();
  }

  /** Copies the source into ffmpeg, waiting whenever ffmpeg is full; a silent source is given up on. */
  async #pump(input: ReadableStream<Uint8Array>, stdin: WritableStream<Uint8Array>, signal: AbortSignal) {
    const reader = input.getReader();
    const writer = stdin.getWriter();
    try {
      while (!signal.aborted) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const stalled = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error("The live stream sent nothing for a while")),
            STALL_TIMEOUT_MS,
          );
        });
        const next = await Promise.race([reader.read(), stalled]).finally(() => clearTimeout(timer));
        if (next.done) break;
        await writer.write(next.value);
      }
      await writer.close();
    } catch (error) {
      // ffmpeg gone, the source failed or stalled: ffmpeg is stopped and reads end in failure.
      if (this.#state.status === "playing" && !signal.aborted) {
        console.error(`Live stream input: ${error instanceof Error ? error.message : error}`);
      }
      this.#tool.kill();
      await writer.abort(error).catch(() => {});
    } finally {
      await reader.cancel().catch(() => {});
    }
  }

  async #keepStderr(stderr: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of stderr) {
      this.#stderr = (this.#stderr + decoder.decode(chunk, { stream: true })).slice(-STDERR_KEEP);
    }
  }
}
