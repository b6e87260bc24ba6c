/** A worker in the same thread: two message ports, with a real request server on the far end. */
import { type Handler, serveRequests, type WorkerScope } from "../../lib/channels/worker_server.ts";
import type { WorkerPort } from "../../lib/channels/worker_protocol.ts";

/** A port the WorkerClient can talk to, served by `handler`; `crash` makes it die like a worker would. */
export function inMemoryWorker<Request, Answer>(
  handler: Handler<Request, Answer>,
): WorkerPort & { crash(): void } {
  const channel = new MessageChannel();
  serveRequests<unknown, Request, Answer>(channel.port2 as unknown as WorkerScope, () => handler);
  const port: WorkerPort & { crash(): void } = {
    postMessage: (message) => channel.port1.postMessage(message),
    set onmessage(listener: ((event: MessageEvent) => void) | null) {
      channel.port1.onmessage = listener;
    },
    get onmessage() {
      return channel.port1.onmessage;
    },
    onerror: null,
    terminate: () => (channel.port1.close(), channel.port2.close()),
    crash: () => port.onerror?.(new ErrorEvent("error", { message: "the worker crashed" })),
  };
  return port;
}
