/**
 * How loud the effects make a song: an excerpt from where the render starts is measured twice in one ffmpeg
 * run, as prepared and through the effects, and the difference is the correction that brings the render
 * back to the target. It is the effects' change on this song's sound (a bass shelf adds little to a thin
 * song and a lot to a bass-heavy one, karaoke takes away what is in the middle), not a new normalization:
 * the song keeps its dynamics.
 */
import { effectChain, filtersKey, guessedCorrectionDb } from "./filter_graph.ts";
import type { AudioFilters } from "../audio_effects.ts";
import { fedOggOpusInput, feedOggOpus, type PreparedInput } from "./ogg_feed.ts";
import { ToolProcess } from "../process/tool_process.ts";

/** Enough of the song to hear its balance; reading it costs ffmpeg a few tens of milliseconds. */
export const PROBE_SECONDS = 4;
/**
 * A probe takes 0.1-0.3 s; one still running after this waits for a download slower than the music (it
 * reads what is not yet written), and the render goes on with the guess rather than wait with it.
 */
export const PROBE_DEADLINE_MS = 1_000;
/** An excerpt quieter than this (silence, a fade) says nothing about the song. */
const AUDIBLE_LUFS = -45;
/** A filter that takes nearly everything away (karaoke of a mono song) is not made up for beyond this. */
export const CORRECTION_RANGE_DB = { min: -24, max: 12 } as const;

/** The probe's graph: the input split, one side measured as it is, the other through the effects. */
export function probeGraph(filters: AudioFilters): string {
  return [
    "[0:a]asplit=2[plain][effects]",
    "[plain]ebur128@plain=framelog=verbose[out]",
    `[effects]${effectChain(filters).join(",")},ebur128@effects=framelog=verbose,anullsink`,
  ].join(";");
}

/** The gain in dB that undoes the effects' change in loudness; undefined when the excerpt is too quiet. */
export function correctionFrom(stderr: string): number | undefined {
  const plain = lastIntegrated(stderr, "plain");
  const effects = lastIntegrated(stderr, "effects");
  if (plain === undefined || effects === undefined) throw new Error("ffmpeg printed no loudness summary");
  if (plain < AUDIBLE_LUFS || effects <= -70) return undefined;
  const { min, max } = CORRECTION_RANGE_DB;
  return Math.min(max, Math.max(min, plain - effects));
}

/** Measures the correction for `filters` on `input` from `startSeconds`. */
export async function measureCorrection(
  ffmpeg: string,
  input: PreparedInput,
  startSeconds: number,
  filters: AudioFilters,
  signal: AbortSignal,
): Promise<number | undefined> {
  const tool = ToolProcess.spawn(ffmpeg, {
    args: [
      ...["-hide_banner", "-nostdin", "-nostats"],
      ...fedOggOpusInput(PROBE_SECONDS),
      ...["-filter_complex", probeGraph(filters), "-map", "[out]", "-f", "null", "-"],
    ],
    stdin: "piped",
    stdout: "null",
    signal,
  });
  const [output] = await Promise.all([tool.output(), feedOggOpus(tool, input, startSeconds, signal)]);
  signal.throwIfAborted();
  const stderr = new TextDecoder().decode(output.stderr);
  if (!output.success) {
    throw new Error(
      `ffmpeg could not measure the filters (code ${output.code}): ${stderr.trim().slice(-200)}`,
    );
  }
  return correctionFrom(stderr);
}

/** The last summary of the ebur128 instance `name` (ffmpeg may print one for a graph it set up twice). */
function lastIntegrated(stderr: string, name: string): number | undefined {
  const summaries = new RegExp(
    String.raw`\[ebur128@${name} @ [^\]]*\] Summary:\s*Integrated loudness:\s*I:\s+(-?[\d.]+|-inf) LUFS`,
    "g",
  );
  const last = [...stderr.matchAll(summaries)].at(-1)?.[1];
  if (last === undefined) return undefined;
  return last === "-inf" ? -70 : Number(last);
}

/** Corrections kept: a few hundred songs' filter settings, a few bytes each. */
const REMEMBERED = 500;

/**
 * The corrections measured, by song and filters, so a seek, a volume change or a skipped segment under the
 * same filters renders at once with the same gain as before (no probe, no step in loudness).
 */
export class FilterCorrections {
  readonly #known = new Map<string, number>();

  constructor(private readonly ffmpeg: string, private readonly deadlineMs = PROBE_DEADLINE_MS) {}

  /** The correction for `filters` on `input`: remembered, measured from `startSeconds`, or guessed. */
  async correctionFor(
    input: PreparedInput,
    startSeconds: number,
    filters: AudioFilters,
    signal: AbortSignal,
  ): Promise<number> {
    if (Object.keys(filters).length === 0) return 0;
    const key = `${input.movedTo ?? input.inputPath}\n${filtersKey(filters)}`;
    const known = this.#known.get(key);
    if (known !== undefined) return known;
    const deadline = AbortSignal.timeout(this.deadlineMs);
    const measured = await measureCorrection(
      this.ffmpeg,
      input,
      startSeconds,
      filters,
      AbortSignal.any([signal, deadline]),
    ).catch((error) => {
      signal.throwIfAborted();
      if (deadline.aborted) return undefined;
      throw error;
    });
    // A quiet excerpt, or one not yet downloaded, is guessed for now and measured again next time.
    if (measured === undefined) return guessedCorrectionDb(filters);
    this.#known.set(key, measured);
    if (this.#known.size > REMEMBERED) this.#known.delete(this.#known.keys().next().value!);
    return measured;
  }
}
