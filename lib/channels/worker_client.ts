/**
 * The main thread's end of a typed worker channel: request/answer with ids, timeouts, cancellation,
 * and a fresh worker when the old one dies. Requests in flight on a worker that dies fail (temporarily);
 * requests sent while a new one is starting wait for it, within their own timeout.
 */
import { killProcessGroup } from "../process/process_group.ts";
import type { ToolJobs } from "../process/tool_caps.ts";
import type { Failed, FromWorker, ToWorker, WorkerPort } from "./worker_protocol.ts";

const MAX_RESTART_DELAY_MS = 30_000;
/** How long `shutdown` lets a worker kill its tools before it is terminated anyway. */
const SHUTDOWN_BOUND_MS = 2_000;

interface Pending<Answer> {
  /** Whether the current worker has it; one sent to a worker that died is failed, not sent again. */
  sent: boolean;
  send(): void;
  settle(answer: Answer | Failed): void;
}

/** Tool process groups the worker reported as alive: killed from here if the worker dies or is stopped. */
type ToolGroups = Set<number>;

type ClientState =
  | { status: "running"; port: WorkerPort; groups: ToolGroups; shutDown?: () => void }
  | { status: "restarting"; timer: ReturnType<typeof setTimeout> }
  | { status: "closed" };

/** How the client starts its workers. */
export interface WorkerClientOptions {
  /** Called each time a new worker is started after a death (not for the first one). */
  onRestart?: () => void;
  /** Caps on concurrent tool runs, applied in each worker. */
  toolJobs?: ToolJobs;
  /** Called with every answer a caller gets (a timeout's `failed` included, a cancellation's not): metrics. */
  onAnswer?: (request: unknown, answer: unknown) => void;
}

/** Sends requests to a worker and resolves each with the worker's answer or a `failed` outcome. */
export class WorkerClient<Request, Answer> {
  #state: ClientState;
  /** Deaths since the last answer: a worker that dies at start-up is restarted ever more slowly. */
  #deaths = 0;
  #nextId = 1;
  #pending = new Map<number, Pending<Answer>>();

  constructor(
    private readonly name: string,
    private readonly spawn: () => WorkerPort,
    private readonly settings: unknown,
    private readonly options: WorkerClientOptions = {},
  ) {
    this.#state = this.#start();
  }

  /** Asks the worker; never rejects, a timeout or crash becomes `{ outcome: "failed" }`. */
  request(request: Request, options: { timeoutMs: number; signal?: AbortSignal }): Promise<Answer | Failed> {
    if (this.#state.status === "closed") {
      return Promise.resolve(failed(`The ${this.name} is shut down.`, false));
    }
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const restarting = this.#state.status === "restarting" ? " (it was restarting)" : "";
        give(failed(`The ${this.name} took too long${restarting}.`, true), true);
      }, options.timeoutMs);
      const onAbort = () => give(failed("Cancelled.", false), true);
      const give = (answer: Answer | Failed, cancel: boolean) => {
        const pending = this.#pending.get(id);
        if (!pending) return;
        this.#pending.delete(id);
        clearTimeout(timer);
        options.signal?.removeEventListener("abort", onAbort);
        if (cancel && pending.sent) this.#post({ type: "cancel", id });
        if (!options.signal?.aborted) this.options.onAnswer?.(request, answer);
        resolve(answer);
      };
      const pending: Pending<Answer> = {
        sent: false,
        send: () => {
          pending.sent = true;
          this.#post({ type: "request", id, request });
        },
        settle: (answer) => give(answer, false),
      };
      this.#pending.set(id, pending);
      options.signal?.addEventListener("abort", onAbort, { once: true });
      if (options.signal?.aborted) return onAbort();
      // While a new worker is starting, the request waits for it (its timer runs meanwhile).
      if (this.#state.status === "running") pending.send();
    });
  }

  /**
   * Stops at once: the worker is terminated and every tool process group it reported is killed; requests
   * in flight fail. Prefer `shutdown`, which also catches tools the worker started a moment ago.
   */
  close(): void {
    const state = this.#state;
    this.#state = { status: "closed" };
    if (state.status === "restarting") clearTimeout(state.timer);
    if (state.status === "running") {
      state.port.terminate();
      killGroups(state.groups);
    }
    this.#failAll(`The ${this.name} is shut down.`, false);
  }

  /** Has the worker cancel its work and kill its tool processes, waits for it (briefly), then closes. */
  async shutdown(boundMs = SHUTDOWN_BOUND_MS): Promise<void> {
    const state = this.#state;
    if (state.status !== "running") return this.close();
    this.#failAll(`The ${this.name} is shut down.`, false);
    const { promise, resolve } = Promise.withResolvers<void>();
    state.shutDown = resolve;
    const timer = setTimeout(resolve, boundMs);
    this.#post({ type: "shutdown" });
    try {
      await promise;
    } finally {
      clearTimeout(timer);
      if (this.#state === state) this.close();
    }
  }

  #start(): ClientState {
    const port = this.spawn();
    const state: ClientState = { status: "running", port, groups: new Set() };
    port.onmessage = (event) => this.#receive(state, event.data as FromWorker<Answer>);
    port.onerror = (event) => {
      event.preventDefault();
      if (this.#state === state) this.#restart(state, event.message);
    };
    const init: ToWorker<Request> = {
      type: "init",
      settings: this.settings,
      toolJobs: this.options.toolJobs,
    };
    port.postMessage(init);
    return state;
  }

  #receive(state: Extract<ClientState, { status: "running" }>, message: FromWorker<Answer>): void {
    switch (message.type) {
      case "tool":
        if (message.change === "started") state.groups.add(message.pgid);
        else state.groups.delete(message.pgid);
        return;
      case "shut down":
        return state.shutDown?.();
      case "answer":
        this.#deaths = 0;
        return this.#pending.get(message.id)?.settle(message.answer);
      case "crash":
        this.#deaths = 0;
        console.error(`${this.name}: request ${message.id} crashed: ${message.message}`);
        return this.#pending.get(message.id)?.settle(failed(message.message, false));
    }
  }

  /** A dead worker cannot be trusted with the requests it held: fail them, kill its tools, start afresh. */
  #restart(state: Extract<ClientState, { status: "running" }>, reason: string): void {
    const delayMs = Math.min(MAX_RESTART_DELAY_MS, 100 * 2 ** this.#deaths++);
    console.error(`The ${this.name} died (${reason}); starting a new one in ${delayMs} ms.`);
    state.port.terminate();
    killGroups(state.groups);
    const timer = setTimeout(() => {
      this.#state = this.#start();
      for (const pending of this.#pending.values()) if (!pending.sent) pending.send();
      this.options.onRestart?.();
    }, delayMs);
    this.#state = { status: "restarting", timer };
    for (const pending of [...this.#pending.values()]) {
      if (pending.sent) pending.settle(failed(`The ${this.name} stopped unexpectedly.`, true));
    }
  }

  #failAll(message: string, temporary: boolean): void {
    for (const pending of [...this.#pending.values()]) pending.settle(failed(message, temporary));
  }

  #post(message: ToWorker<Request>): void {
    if (this.#state.status === "running") this.#state.port.postMessage(message);
  }
}

function killGroups(groups: ToolGroups): void {
  for (const pgid of groups) {
    try {
      killProcessGroup(pgid);
    } catch (error) {
      console.error(`Could not kill process group ${pgid}: ${error}`);
    }
  }
  groups.clear();
}

function failed(message: string, temporary: boolean): Failed {
  return { outcome: "failed", message, userFacing: false, temporary };
}
