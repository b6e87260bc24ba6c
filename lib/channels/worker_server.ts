/** The worker's end of a typed channel: a message loop over a plain async handler. */
import type { LiveTools } from "../process/live_tools.ts";
import { applyToolJobs } from "../process/tool_caps.ts";
import type { FromWorker, ToWorker } from "./worker_protocol.ts";

/** What a worker's global scope offers for messaging. */
export interface WorkerScope {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

/** How long a shutdown waits for killed tools to be reaped before it answers anyway. */
const SHUTDOWN_REAP_MS = 1000;

/**
 * Answers requests with the handler that `setup` builds from the settings in the first message. With
 * `tools` (the worker thread's registry), it reports tool process groups to the main thread and kills
 * them all when told to shut down.
 */
export function serveRequests<Settings, Request, Answer>(
  scope: WorkerScope,
  setup: (settings: Settings) => Promise<Handler<Request, Answer>> | Handler<Request, Answer>,
  options: { tools?: LiveTools } = {},
): void {
  let handler: Promise<Handler<Request, Answer>> | undefined;
  const running = new Map<number, AbortController>();
  const send = (message: FromWorker<Answer>) => scope.postMessage(message);
  options.tools?.listen(({ type, pgid }) => send({ type: "tool", change: type, pgid }));

  async function shutdown(): Promise<void> {
    for (const controller of running.values()) controller.abort(new Error("The worker is shutting down"));
    await options.tools?.killAll(SHUTDOWN_REAP_MS);
    send({ type: "shut down" });
  }

  scope.onmessage = async (event) => {
    const message = event.data as ToWorker<Request>;
    if (message.type === "init") {
      if (message.toolJobs) applyToolJobs(message.toolJobs);
      return void (handler = Promise.resolve(setup(message.settings as Settings)));
    }
    if (message.type === "cancel") return running.get(message.id)?.abort();
    if (message.type === "shutdown") return await shutdown();
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
