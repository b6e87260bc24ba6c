/** The worker's end of a typed channel: a message loop over a plain async handler. */
import type { FromWorker, ToWorker } from "./worker_protocol.ts";

/** What a worker's global scope offers for messaging. */
export interface WorkerScope {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

/** Answers requests with the handler that `setup` builds from the settings in the first message. */
export function serveRequests<Settings, Request, Answer>(
  scope: WorkerScope,
  setup: (settings: Settings) => Promise<Handler<Request, Answer>> | Handler<Request, Answer>,
): void {
  let handler: Promise<Handler<Request, Answer>> | undefined;
  const running = new Map<number, AbortController>();
  const send = (message: FromWorker<Answer>) => scope.postMessage(message);
  scope.onmessage = async (event) => {
    const message = event.data as ToWorker<Request>;
    if (message.type === "init") return void (handler = Promise.resolve(setup(message.settings as Settings)));
    if (message.type === "cancel") return running.get(message.id)?.abort();
    const controller = new AbortController();
    running.set(message.id, controller);
    try {
      if (!handler) throw new Error("request before settings");
      const answer = await (await handler)(message.request, controller.signal);
      if (!controller.signal.aborted) send({ type: "answer", id: message.id, answer });
    } catch (error) {
      if (!controller.signal.aborted) send({ type: "crash", id: message.id, message: String(error) });
    } finally {
      running.delete(message.id);
    }
  };
}

/** Answers one request; the signal aborts when the main thread cancels it or gives up. */
export type Handler<Request, Answer> = (request: Request, signal: AbortSignal) => Promise<Answer>;
