/**
 * Which kind of failure a worker's answer is, for `trazom_failures_total`: the resolver's failures and
 * empty answers are "resolve"; the transcoder's are "transcode" when ffmpeg could not read or the file
 * could not be stored, otherwise "download" (fetching the source is what else it does).
 */
import type { FailureKind } from "./bot_metrics.ts";

/** What ffmpeg's side of a transcoder failure says (lib/audio/transcode_job.ts). */
const TRANSCODE_MESSAGES = /read that as audio|couldn't store this track|ffmpeg/i;

/** The kind of a failed or empty resolver answer; undefined for any other answer or a suggestion. */
export function resolverFailure(request: unknown, answer: unknown): FailureKind | undefined {
  if ((request as { kind?: string }).kind === "suggest") return undefined;
  const outcome = (answer as { outcome?: string }).outcome;
  return outcome === "failed" || outcome === "empty" ? "resolve" : undefined;
}

/** The kind of a failed transcoder answer; undefined for any other answer. */
export function transcoderFailure(answer: unknown): FailureKind | undefined {
  const { outcome, message } = answer as { outcome?: string; message?: string };
  if (outcome !== "failed") return undefined;
  return TRANSCODE_MESSAGES.test(message ?? "") ? "transcode" : "download";
}
