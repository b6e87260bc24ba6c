/**
 * The opt-in HTTP endpoint for operators: `/healthz` (200 "ok" while nothing is wrong, 503 with one line
 * per problem otherwise) and `/metrics` for Prometheus. It listens on loopback unless TRAZOM_METRICS_HOST says
 * otherwise, and serves nothing else.
 */
import type { BotMetrics } from "./bot_metrics.ts";

/** Where to listen and what to serve. */
export interface MetricsServerOptions {
  readonly hostname: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly metrics: BotMetrics;
  /** What keeps the bot from working, one sentence each; empty while it works. */
  readonly problems: () => readonly string[];
}

/** A running endpoint; `close()` stops it. */
export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts serving; resolves once it listens. */
export function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { promise, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve(
    { hostname: options.hostname, port: options.port, onListen: resolve },
    (request) => answer(request, options),
  );
  return promise.then((address) => ({
    url: `http://${hostForUrl(address.hostname)}:${address.port}`,
    close: () => server.shutdown(),
  }));
}

async function answer(request: Request, options: MetricsServerOptions): Promise<Response> {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return new Response("Only GET is served here.\n", { status: 405, headers: { allow: "GET, HEAD" } });
  }
  switch (new URL(request.url).pathname) {
    case "/healthz": {
      const problems = options.problems();
      return problems.length === 0
        ? new Response("ok\n", { headers: TEXT })
        : new Response(problems.map((problem) => `${problem}\n`).join(""), { status: 503, headers: TEXT });
    }
    case "/metrics":
      return new Response(await options.metrics.render(), {
        headers: { "content-type": options.metrics.contentType },
      });
    default:
      return new Response("Not found: try /healthz or /metrics.\n", { status: 404, headers: TEXT });
  }
}

const TEXT = { "content-type": "text/plain; charset=utf-8" };

function hostForUrl(hostname: string): string {
  return hostname.includes(":") ? `[${hostname}]` : hostname;
}
