import type { TimelinePoint } from './timeline-point.js';

/** Points are kept at this resolution: a later point in the same second replaces the earlier. */
export const HISTORY_RESOLUTION_MS = 1_000;

/**
 * The chart's recent past, in this process's memory: at most one point per second for
 * `retentionMs` (6 h by default: at most 21,600 points, about 2 MB). Pure: time comes in
 * with each point.
 */
export class TimelineHistory {
  private points: TimelinePoint[] = [];

  constructor(private readonly retentionMs: number) {}

  /** Adds a point (times only go forward; an older one is ignored). */
  add(point: TimelinePoint): void {
    const last = this.points[this.points.length - 1];
    if (last && point.at < last.at) return;
    if (last && bucketOf(last.at) === bucketOf(point.at))
      this.points[this.points.length - 1] = point;
    else this.points.push(point);
    const cutoff = point.at - this.retentionMs;
    if (this.points[0].at < cutoff) {
      this.points.splice(0, lowerBound(this.points, cutoff));
    }
  }

  /**
   * The points in [from, to], led by the last one before `from` (the state at `from`), at
   * most `maxPoints`: past that, the last point of each equal slice of the range.
   */
  between(from: number, to: number, maxPoints: number): TimelinePoint[] {
    const start = lowerBound(this.points, from);
    const end = lowerBound(this.points, to + 1);
    const inRange = this.points.slice(Math.max(0, start - 1), end);
    if (inRange.length <= maxPoints) return inRange;
    const slice = (to - from + 1) / (maxPoints - 1);
    const sampled: TimelinePoint[] = [];
    for (const point of inRange) {
      const index = point.at < from ? -1 : Math.floor((point.at - from) / slice);
      const last = sampled[sampled.length - 1];
      if (last && (last.at < from ? -1 : Math.floor((last.at - from) / slice)) === index) {
        sampled[sampled.length - 1] = point;
      } else {
        sampled.push(point);
      }
    }
    return sampled;
  }

  get size(): number {
    return this.points.length;
  }
}

function bucketOf(at: number): number {
  return Math.floor(at / HISTORY_RESOLUTION_MS);
}

/** The index of the first point at or after `at` (points are in time order). */
function lowerBound(points: TimelinePoint[], at: number): number {
  let low = 0;
  let high = points.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (points[mid].at < at) low = mid + 1;
    else high = mid;
  }
  return low;
}
