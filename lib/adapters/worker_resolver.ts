/** The engine's Resolver port on the resolver worker's channel. */
import type { WorkerClient } from "../channels/worker_client.ts";
import type { ResolverAnswer, ResolverRequest } from "../channels/resolver_messages.ts";
import type { Resolution, Resolver } from "../guild/resolver_port.ts";

/** A playlist or a slow site can take a while; radio pages are one request. */
const RESOLVE_TIMEOUT_MS = 60_000;
const RADIO_TIMEOUT_MS = 60_000;

/** Asks the resolver worker; a worker that died, restarted or timed out is a temporary failure. */
export class WorkerResolver implements Resolver {
  constructor(private readonly worker: WorkerClient<ResolverRequest, ResolverAnswer>) {}

  async resolve(query: string, owner?: string): Promise<Resolution> {
    const request = { kind: "resolve", query, ...(owner ? { owner } : {}) } as const;
    return resolutionOf(await this.worker.request(request, { timeoutMs: RESOLVE_TIMEOUT_MS }));
  }

  async radio(videoId: string): Promise<Resolution> {
    return resolutionOf(
      await this.worker.request({ kind: "radio", videoId }, { timeoutMs: RADIO_TIMEOUT_MS }),
    );
  }
}

/** The worker's answer as one of the port's outcomes; any other answer to these requests is a bug. */
export function resolutionOf(answer: ResolverAnswer): Resolution {
  switch (answer.outcome) {
    case "tracks":
      return { outcome: "tracks", tracks: answer.tracks, note: answer.note };
    case "empty":
      return answer;
    case "failed":
      return {
        outcome: "failed",
        temporary: answer.temporary,
        userFacing: answer.userFacing,
        message: answer.message,
      };
    default:
      return {
        outcome: "failed",
        temporary: false,
        userFacing: false,
        message: `The resolver answered ${answer.outcome} to a lookup`,
      };
  }
}
