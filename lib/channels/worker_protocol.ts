/**
 * The envelope every main-thread ↔ worker message travels in.
 *
 * Each request carries an id; the worker answers it exactly once, or not at all if it was cancelled.
 */
import type { ToolJobs } from "../process/tool_caps.ts";

/** Main thread → worker. */
export type ToWorker<Request> =
  /** The first message of a worker's life: its settings, and its caps on concurrent tool runs. */
  | { type: "init"; settings: unknown; toolJobs?: ToolJobs }
  | { type: "request"; id: number; request: Request }
  | { type: "cancel"; id: number }
  /** Stop every request and kill every tool process group, then say "shut down". */
  | { type: "shutdown" };

/** Worker → main thread. */
export type FromWorker<Answer> =
  | { type: "answer"; id: number; answer: Answer }
  /** The handler threw: a bug, reported as text because Error objects lose their class in transit. */
  | { type: "crash"; id: number; message: string }
  /**
   * A tool process group started or ended in the worker: the main thread keeps the list, because a worker
   * that dies or is terminated leaves its processes running, and only the main thread can then kill them.
   */
  | { type: "tool"; change: "started" | "ended"; pgid: number }
  /** The answer to "shutdown": nothing of the worker's runs any more. */
  | { type: "shut down" };

/** The part of a Worker (or a fake of one) that the channel uses. */
export interface WorkerPort {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

/** The common "it did not work" outcome every answer union includes. */
export interface Failed {
  outcome: "failed";
  /** Written for the user when `userFacing`, otherwise a bug description for the log. */
  message: string;
  userFacing: boolean;
  /**
   * Whether the same request may succeed later: true for a worker that died or is restarting, a timeout or
   * a network error; false for a missing page, something that is not audio, a file too large, a refused
   * address, a bug, or a request the caller cancelled.
   */
  temporary: boolean;
}
