/**
 * The transcoder's two ffmpeg passes timed on their own, with the exact arguments the bot uses, so the
 * cost of normalizing is known apart from resolving and downloading.
 */
import { join } from "node:path";
import { findFfmpeg } from "../../lib/audio/ffmpeg_path.ts";
import { loudnessTarget, measureArgs, normalizeArgs, parseLoudnormReport } from "../../lib/audio/loudnorm.ts";
import { runTool } from "../../lib/audio/run_tool.ts";

/** Wall-clock seconds of each pass, and the mode loudnorm chose in pass 2. */
export interface PassTimes {
  readonly measureSeconds: number;
  readonly encodeSeconds: number;
  /** "linear" (one gain, the fast path) or "dynamic" (loudnorm's 192 kHz limiter, ~3x slower). */
  readonly mode: string;
}

/** Normalizes `input` into `workDir` as the transcoder would, timing pass 1 and pass 2 separately. */
export async function timeNormalization(input: string, workDir: string, lufs: number): Promise<PassTimes> {
  const ffmpeg = await findFfmpeg(Deno.env.get("FFMPEG_PATH"));
  const target = loudnessTarget(lufs);
  const output = join(workDir, "normalized-directly.ogg");
  const measureStart = performance.now();
  const pass1 = await runTool(ffmpeg, measureArgs(input, target));
  const encodeStart = performance.now();
  const pass2 = await runTool(
    ffmpeg,
    normalizeArgs(input, output, target, parseLoudnormReport(pass1.stderr)),
  );
  const end = performance.now();
  await Deno.remove(output);
  return {
    measureSeconds: (encodeStart - measureStart) / 1000,
    encodeSeconds: (end - encodeStart) / 1000,
    mode: /"normalization_type" : "(\w+)"/.exec(pass2.stderr)?.[1] ?? "unknown",
  };
}
