/**
 * What /healthz reports: the gateway connection, the tools (ffmpeg and yt-dlp, re-checked), and workers
 * restarting in a loop. Each problem is one sentence; none means healthy.
 */
import type { RestartLoop } from "./restart_loop.ts";
import type { ToolHealth } from "./tool_health.ts";

/** The parts health is read from. */
export interface HealthParts {
  gatewayConnected(): boolean;
  readonly tools: ToolHealth;
  readonly restarts: RestartLoop;
}

/** The bot's problems now, one sentence each. */
export function healthProblems(parts: HealthParts): string[] {
  return [
    ...(parts.gatewayConnected() ? [] : ["Not connected to the Discord gateway."]),
    ...parts.tools.readings.problems,
    ...parts.restarts.problems(),
  ];
}
