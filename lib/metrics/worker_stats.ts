/**
 * What the workers know that /metrics shows: their busy and waiting tool runs, and whether the resolver's
 * search has fallen back to yt-dlp. Each worker publishes a snapshot every second on a BroadcastChannel;
 * the main thread keeps the latest of each. The worker protocol stays about requests and answers.
 */
import { toolCaps } from "../process/tool_caps.ts";

const CHANNEL = "trazom-worker-stats";
const EVERY_MS = 1000;

/** Busy and waiting runs of one tool. */
export interface ToolRuns {
  readonly held: number;
  readonly waiting: number;
}

/** One worker's snapshot. */
export interface WorkerStats {
  readonly worker: string;
  readonly ytdlp: ToolRuns;
  readonly ffmpeg: ToolRuns;
  /** Only from the resolver: true while searches go to yt-dlp instead of the in-process search. */
  readonly searchFallback?: boolean;
}

/** Extra readings a worker's code registers (the resolver its search's state). */
export const workerReadings: { searchFallback?: () => boolean } = {};

/** Publishes this worker's snapshot every second until the worker ends. */
export function publishWorkerStats(worker: string): void {
  const channel = new BroadcastChannel(CHANNEL);
  const timer = setInterval(() => {
    const stats: WorkerStats = {
      worker,
      ytdlp: toolCaps.ytdlp.usage,
      ffmpeg: toolCaps.ffmpeg.usage,
      searchFallback: workerReadings.searchFallback?.(),
    };
    channel.postMessage(stats);
  }, EVERY_MS);
  // A worker is ended by terminate(); its timer must not be what keeps it alive.
  Deno.unrefTimer(timer);
}

/** The main thread's view: the latest snapshot of each worker. */
export class WorkerStatsReader {
  readonly #latest = new Map<string, WorkerStats>();
  readonly #channel = new BroadcastChannel(CHANNEL);

  constructor() {
    this.#channel.onmessage = (event: MessageEvent<WorkerStats>) => {
      this.#latest.set(event.data.worker, event.data);
    };
  }

  get all(): WorkerStats[] {
    return [...this.#latest.values()];
  }

  close(): void {
    this.#channel.close();
  }
}
