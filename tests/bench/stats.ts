/** Summaries of measured samples: medians and percentiles, nearest-rank, so every figure was observed. */

/** The sample at `fraction` (0–1) of the sorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], fraction: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil(fraction * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/** The middle sample (the lower one of an even count, still an observed value). */
export function median(samples: readonly number[]): number {
  return percentile(samples, 0.5);
}

/** The largest sample; NaN when there are none. */
export function maximum(samples: readonly number[]): number {
  return samples.reduce(
    (largest, sample) => Math.max(largest, sample),
    samples.length === 0 ? NaN : -Infinity,
  );
}

/** Differences between consecutive times. */
export function differences(times: readonly number[]): number[] {
  return times.slice(1).map((time, i) => time - times[i]);
}
