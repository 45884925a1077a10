// describe()-style statistics, with pandas' definitions: `std` is the sample standard deviation
// (ddof = 1) and percentiles interpolate linearly between the closest ranks (numpy's 'linear').

export interface NumericStats {
  count: number;
  mean: number | null;
  std: number | null;
  min: number | null;
  p25: number | null;
  p50: number | null;
  p75: number | null;
  max: number | null;
  /** Only when bins were asked for. */
  histogram?: Histogram | null;
}

export type Scalar = string | number | boolean;

export interface CategoricalStats {
  count: number;
  unique: number;
  top: Scalar | null;
  freq: number | null;
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** The q-quantile of ascending `sorted` (pandas/numpy linear interpolation). */
const quantile = (sorted: Float64Array, q: number): number => {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const a = sorted[lo]!;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)]!;
  return a + (b - a) * (pos - lo);
};

/** Describes `values`; sorts the array in place. */
export const describeNumeric = (values: Float64Array): NumericStats => {
  const n = values.length;
  if (n === 0)
    return { count: 0, mean: null, std: null, min: null, p25: null, p50: null, p75: null, max: null };
  values.sort();
  // Neumaier-compensated sums keep the mean and variance exact to the last bits on long columns.
  let sum = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    const t = sum + x;
    c += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  const mean = (sum + c) / n;
  let ss = 0;
  let cs = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    const x = d * d;
    const t = ss + x;
    cs += ss >= x ? ss - t + x : x - t + ss;
    ss = t;
  }
  return {
    count: n,
    mean: finite(mean),
    std: n > 1 ? finite(Math.sqrt((ss + cs) / (n - 1))) : null,
    min: finite(values[0]!),
    p25: finite(quantile(values, 0.25)),
    p50: finite(quantile(values, 0.5)),
    p75: finite(quantile(values, 0.75)),
    max: finite(values[n - 1]!),
  };
};

export interface Histogram {
  /** bins + 1 edges from min to max; bin i is [edges[i], edges[i+1]), the last one closed. */
  edges: number[];
  counts: number[];
}

/**
 * numpy.histogram's equal-width bins over [min, max] of ascending `sorted` (describeNumeric sorts).
 * A value is placed by the edges as reported, so one lying on an edge is counted in the bin it opens.
 * With min = max every edge is that value and every value falls in the last, closed, bin.
 */
export const histogram = (sorted: Float64Array, bins: number): Histogram | null => {
  const n = sorted.length;
  if (n === 0) return null;
  const min = sorted[0]!;
  const max = sorted[n - 1]!;
  if (!Number.isFinite(min) || !Number.isFinite(max)) return null;
  const edges = Array.from({ length: bins + 1 }, (_, i) =>
    i === bins ? max : min + ((max - min) * i) / bins,
  );
  const counts = new Array<number>(bins).fill(0);
  // Sorted values meet the bins in order: one pass, moving to the next bin at each edge crossed.
  let bin = 0;
  for (let i = 0; i < n; i++) {
    const x = sorted[i]!;
    while (bin < bins - 1 && x >= edges[bin + 1]!) bin++;
    counts[bin]!++;
  }
  return { edges, counts };
};

/**
 * Describes categorical values given as codes into `dict`. `top` is the most frequent value; on a
 * tie, the one seen first in the file wins (as pandas' value_counts keeps first-seen order).
 * Codes are assigned in first-seen order, so the lowest code among the tied is the first seen.
 */
export const describeCategorical = (codes: Int32Array, dict: readonly Scalar[]): CategoricalStats => {
  if (codes.length === 0) return { count: 0, unique: 0, top: null, freq: null };
  // A dense counter is fastest for a whole column; a map keeps small groups of a huge dictionary cheap.
  const counts = codes.length * 4 < dict.length ? sparseCounts(codes) : denseCounts(codes, dict.length);
  let top = -1;
  let freq = 0;
  for (const [code, k] of counts) {
    if (k > freq || (k === freq && code < top)) {
      top = code;
      freq = k;
    }
  }
  return { count: codes.length, unique: counts.size, top: dict[top]!, freq };
};

const sparseCounts = (codes: Int32Array): Map<number, number> => {
  const counts = new Map<number, number>();
  for (let i = 0; i < codes.length; i++) counts.set(codes[i]!, (counts.get(codes[i]!) ?? 0) + 1);
  return counts;
};

const denseCounts = (codes: Int32Array, size: number): Map<number, number> => {
  const dense = new Int32Array(size);
  for (let i = 0; i < codes.length; i++) dense[codes[i]!]!++;
  const counts = new Map<number, number>();
  for (let code = 0; code < size; code++) if (dense[code]! > 0) counts.set(code, dense[code]!);
  return counts;
};
