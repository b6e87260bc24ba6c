/// <reference lib="deno.worker" />
/** The resolver worker: turns queries into tracks with yt-dlp and Spotify, off the main thread. */
import { serveRequests } from "../lib/channels/worker_server.ts";
import { loggingSetup, type WithLog } from "../lib/log/logger.ts";
import { publishWorkerStats } from "../lib/metrics/worker_stats.ts";
import { liveTools } from "../lib/process/live_tools.ts";
import type { ResolverAnswer, ResolverRequest, ResolverSettings } from "../lib/channels/resolver_messages.ts";
import { createQueryResolver } from "../lib/sources/query_resolver.ts";

serveRequests<WithLog<ResolverSettings>, ResolverRequest, ResolverAnswer>(
  self,
  loggingSetup(createQueryResolver),
  {
    tools: liveTools,
  },
);
publishWorkerStats("resolver");
