/**
 * The main thread's end of a typed worker channel: request/answer with ids, timeouts, cancellation,
 * and a fresh worker when the old one dies (the requests in flight fail cleanly).
 */
import type { Failed, FromWorker, ToWorker, WorkerPort } from "./worker_protocol.ts";

const MAX_RESTART_DELAY_MS = 30_000;

interface Pending<Answer> {
  settle(answer: Answer | Failed): void;
}

/** Sends requests to a worker and resolves each with the worker's answer or a `failed` outcome. */
export class WorkerClient<Request, Answer> {
  #port: WorkerPort | undefined;
  /** Deaths since the last answer: a worker that dies at start-up is restarted ever more slowly. */
  #deaths = 0;
  #restartTimer?: ReturnType<typeof setTimeout>;
  #nextId = 1;
  #pending = new Map<number, Pending<Answer>>();
  #closed = false;

  constructor(
    private readonly name: string,
    private readonly spawn: () => WorkerPort,
    private readonly settings: unknown,
  ) {
    this.#port = this.#start();
  }

  /** Asks the worker; never rejects, a timeout or crash becomes `{ outcome: "failed" }`. */
  request(request: Request, options: { timeoutMs: number; signal?: AbortSignal }): Promise<Answer | Failed> {
    if (this.#closed) return Promise.resolve(failed(`The ${this.name} is shut down.`));
    if (!this.#port) return Promise.resolve(failed(`The ${this.name} is restarting; try again shortly.`));
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => give(failed(`The ${this.name} took too long.`), true),
        options.timeoutMs,
      );
      const onAbort = () => give(failed("Cancelled."), true);
      const give = (answer: Answer | Failed, cancel: boolean) => {
        if (!this.#pending.delete(id)) return;
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        if (cancel) this.#post({ type: "cancel", id });
        resolve(answer);
      };
      this.#pending.set(id, { settle: (answer) => give(answer, false) });
      options.signal?.addEventListener("abort", onAbort, { once: true });
      if (options.signal?.aborted) return onAbort();
      this.#post({ type: "request", id, request });
    });
  }

  /** Stops the worker; requests in flight fail. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#restartTimer);
    this.#port?.terminate();
    this.#failAll(`The ${this.name} is shut down.`);
  }

  #start(): WorkerPort {
    const port = this.spawn();
    port.onmessage = (event) => this.#receive(event.data as FromWorker<Answer>);
    port.onerror = (event) => {
      event.preventDefault();
      this.#restart(event.message);
    };
    port.postMessage({ type: "init", settings: this.settings } satisfies ToWorker<Request>);
    return port;
  }

  #receive(message: FromWorker<Answer>): void {
    const pending = this.#pending.get(message.id);
    this.#deaths = 0;
    if (message.type === "answer") return pending?.settle(message.answer);
    console.error(`${this.name}: request ${message.id} crashed: ${message.message}`);
    pending?.settle({ outcome: "failed", message: message.message, userFacing: false });
  }

  /** A dead worker cannot be trusted with the requests it held: fail them and start afresh. */
  #restart(reason: string): void {
    const delayMs = Math.min(MAX_RESTART_DELAY_MS, 100 * 2 ** this.#deaths++);
    console.error(`The ${this.name} died (${reason}); starting a new one in ${delayMs} ms.`);
    this.#port?.terminate();
    this.#port = undefined;
    this.#failAll(`The ${this.name} stopped unexpectedly.`);
    if (this.#closed) return;
    this.#restartTimer = setTimeout(() => (this.#port = this.#start()), delayMs);
  }

  #failAll(message: string): void {
    for (const pending of [...this.#pending.values()]) pending.settle(failed(message));
  }

  #post(message: ToWorker<Request>): void {
    this.#port?.postMessage(message);
  }
}

function failed(message: string): Failed {
  return { outcome: "failed", message, userFacing: false };
}
