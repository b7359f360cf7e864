/**
 * Latency statistics shared by the benchmarks (bench/jobs, bench/minecraft, bench/card,
 * bench/stream). All values are milliseconds.
 */

/**
 * The p-th percentile of sorted values, as the element at index ⌊p/100 · n⌋ (capped at the last).
 *
 * @param sorted - values in ascending order.
 * @param p - the percentile, 0..100.
 * @returns that value; NaN when `sorted` is empty.
 */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

/**
 * The p-th percentile of sorted values by the nearest-rank method: the element of rank ⌈p/100 · n⌉.
 *
 * @param sorted - values in ascending order.
 * @param p - the percentile, 0..100.
 * @returns that value; NaN when `sorted` is empty.
 */
export function nearestRankPercentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** p50, p95, p99, max and count of a sample. */
export interface Summary {
  p50: number;
  p95: number;
  p99: number;
  /** NaN for an empty sample. */
  max: number;
  n: number;
}

/**
 * Summarizes a sample (left unsorted).
 *
 * @param values - the sample, in any order.
 * @param pick - the percentile definition (default {@link percentile}).
 * @returns its {@link Summary}; percentiles and max are NaN when `values` is empty.
 */
export function summarize(values: readonly number[], pick: (sorted: readonly number[], p: number) => number = percentile): Summary {
  const s = [...values].sort((a, b) => a - b);
  return { p50: pick(s, 50), p95: pick(s, 95), p99: pick(s, 99), max: s[s.length - 1] ?? NaN, n: s.length };
}

/**
 * One line: `p50 1.23 ms  p95 … ms  p99 … ms  max … ms  (n=…)`, two decimals.
 *
 * @param values - the sample, in any order (not empty).
 * @returns the line.
 */
export function formatSummary(values: readonly number[]): string {
  const s = summarize(values);
  return `p50 ${s.p50.toFixed(2)} ms  p95 ${s.p95.toFixed(2)} ms  p99 ${s.p99.toFixed(2)} ms  max ${s.max.toFixed(2)} ms  (n=${s.n})`;
}
