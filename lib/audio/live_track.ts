/**
 * The main thread's end of a live stream: Ogg Opus pulled from the transcoder worker's live job one chunk
 * at a time, as the player asks for it, so no more than a chunk is ever in flight and nothing is on disk.
 * Stopping the stream (a skip, a stop, a leave) cancels the job, which kills its ffmpeg.
 */
import { Readable } from "node:stream";
import type { WorkerClient } from "../channels/worker_client.ts";
import type { Failed } from "../channels/worker_protocol.ts";
import type { TranscoderAnswer, TranscoderRequest } from "../channels/transcoder_messages.ts";
import { UserError } from "../user_error.ts";

/** A read waits for the source; one that sends nothing for this long has stalled (the worker also gives up). */
const READ_TIMEOUT_MS = 30_000;

type Transcoder = WorkerClient<TranscoderRequest, TranscoderAnswer>;

/** Ogg Opus of the live job `job`, ended when the stream ends; destroying it cancels the job. */
export function openLiveJob(transcoder: Transcoder, job: Promise<string>): Readable {
  const stopped = new AbortController();
  async function* chunks(): AsyncGenerator<Uint8Array> {
    const id = await job;
    try {
      while (true) {
        const answer = await transcoder.request({ kind: "read", job: id }, {
          timeoutMs: READ_TIMEOUT_MS,
          signal: stopped.signal,
        });
        if (answer.outcome !== "audio") throw failureOf(answer);
        // An empty chunk would stall the Readable rather than be skipped.
        if (answer.bytes.length > 0) yield answer.bytes;
        if (answer.end) return;
      }
    } finally {
      cancelLiveJob(transcoder, id);
    }
  }
  const generator = chunks();
  return new Readable({
    read() {
      generator.next().then(
        ({ done, value }) => this.push(done ? null : value),
        (error) => this.destroy(error),
      );
    },
    destroy(error, callback) {
      stopped.abort(error ?? new DOMException("The live stream was closed.", "AbortError"));
      // The generator may be waiting in a read; its `finally` cancels the job once that read is aborted.
      generator.return(undefined).then(() => callback(error), callback);
      job.then((id) => cancelLiveJob(transcoder, id), () => {});
    },
  });
}

/** Tells the worker to drop a live job (its ffmpeg is killed); a job already gone is no error. */
export function cancelLiveJob(transcoder: Transcoder, job: string): void {
  transcoder.request({ kind: "cancel", job }, { timeoutMs: 10_000 }).catch(() => {});
}

function failureOf(answer: Exclude<TranscoderAnswer, { outcome: "audio" }>): Error {
  if (answer.outcome !== "failed") return new Error(`The transcoder answered ${answer.outcome}`);
  const failed: Failed = answer;
  return failed.userFacing ? new UserError(failed.message) : new Error(failed.message);
}
