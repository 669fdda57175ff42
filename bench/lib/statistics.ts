export interface Summary {
  n: number;
  min: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/** Nearest-rank percentile of a list of numbers (null when empty). */
export function percentile(values: Array<number | null>, p: number): number | null {
  const sorted = values.filter((v): v is number => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

/** Count, min, p50/p95/p99 and max of the finite values (nulls are misses, left out). */
export function summary(values: Array<number | null>): Summary {
  const finite = values.filter((v): v is number => Number.isFinite(v));
  return {
    n: finite.length,
    min: finite.length ? Math.min(...finite) : null,
    p50: percentile(finite, 50),
    p95: percentile(finite, 95),
    p99: percentile(finite, 99),
    max: finite.length ? Math.max(...finite) : null,
  };
}

/** Rounds to `digits` decimals; null for anything that is not a finite number. */
export function round(value: number | null | undefined, digits = 1): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A summary with every figure rounded to one decimal. */
export function roundSummary(s: Summary): Summary {
  return {
    n: s.n,
    min: round(s.min),
    p50: round(s.p50),
    p95: round(s.p95),
    p99: round(s.p99),
    max: round(s.max),
  };
}
