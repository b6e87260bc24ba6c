/// <reference lib="deno.worker" />
/** The transcoder worker: downloads and normalizes tracks off the main thread, so voice never stutters. */
import { serveRequests } from "../lib/channels/worker_server.ts";
import { loggingSetup, type WithLog } from "../lib/log/logger.ts";
import { publishWorkerStats } from "../lib/metrics/worker_stats.ts";
import { liveTools } from "../lib/process/live_tools.ts";
import type {
  TranscoderAnswer,
  TranscoderRequest,
  TranscoderSettings,
} from "../lib/channels/transcoder_messages.ts";
import { createTranscoder } from "../lib/audio/transcoder.ts";

serveRequests<WithLog<TranscoderSettings>, TranscoderRequest, TranscoderAnswer>(
  self,
  loggingSetup(createTranscoder),
  {
    tools: liveTools,
  },
);
publishWorkerStats("transcoder");
