/**
 * Quantiles by linear interpolation between order statistics (Hyndman & Fan
 * type 7, what Excel's PERCENTILE.INC and R's default give), so a reader can
 * check a figure in a spreadsheet. The median of an even count is the mean
 * of the two middle values.
 */
export function quantile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export interface Spread {
  n: number;
  median: number | null;
  p25: number | null;
  p75: number | null;
  max: number | null;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    max: sorted.length ? sorted[sorted.length - 1]! : null,
  };
}
