/**
 * The envelope every main-thread ↔ worker message travels in.
 *
 * Each request carries an id; the worker answers it exactly once, or not at all if it was cancelled.
 */

/** Main thread → worker. */
export type ToWorker<Request> =
  /** The first message of a worker's life: its settings. */
  | { type: "init"; settings: unknown }
  | { type: "request"; id: number; request: Request }
  | { type: "cancel"; id: number };

/** Worker → main thread. */
export type FromWorker<Answer> =
  | { type: "answer"; id: number; answer: Answer }
  /** The handler threw: a bug, reported as text because Error objects lose their class in transit. */
  | { type: "crash"; id: number; message: string };

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
}
