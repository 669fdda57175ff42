import type { WireDecision, WirePoint } from './api.js';
import type { ChartPoint } from './chart.js';

/** The longest range the page offers (the api keeps 6 hours of points). */
export const KEEP_MS = 6 * 3_600_000;

export const toChartPoint = (point: WirePoint): ChartPoint => ({
  t: Date.parse(point.at),
  users: point.activeUsers,
  desired: point.desiredReplicas,
  ready: point.readyReplicas,
});

const decisionKey = (d: WireDecision) => `${d.at}|${d.reason}`;

/** What the page holds: points in time order, decisions without duplicates. */
export class TimelineData {
  points: ChartPoint[] = [];
  decisions: WireDecision[] = [];

  /** Adds points newer than the last one held (history and the stream may overlap). */
  addPoints(points: ChartPoint[]): void {
    for (const point of points) {
      const last = this.points[this.points.length - 1];
      if (!last || point.t > last.t) this.points.push(point);
      else if (point.t === last.t) this.points[this.points.length - 1] = point;
    }
    const cutoff = Date.now() - KEEP_MS;
    const firstKept = this.points.findIndex((p) => p.t >= cutoff);
    if (firstKept > 1) this.points.splice(0, firstKept - 1);
  }

  /** Forgets decisions older than the longest range. */
  private pruneDecisions(): void {
    const cutoff = Date.now() - KEEP_MS;
    const firstKept = this.decisions.findIndex((d) => Date.parse(d.at) >= cutoff);
    if (firstKept > 0) this.decisions.splice(0, firstKept);
  }

  /** Replaces the points with a range from history, keeping newer ones already held. */
  replacePoints(points: ChartPoint[]): void {
    const newer = this.points.filter((p) => p.t > (points[points.length - 1]?.t ?? -Infinity));
    this.points = [...points];
    this.addPoints(newer);
  }

  addDecisions(decisions: WireDecision[]): void {
    const known = new Set(this.decisions.map(decisionKey));
    for (const decision of decisions) {
      if (known.has(decisionKey(decision))) continue;
      known.add(decisionKey(decision));
      this.decisions.push(decision);
    }
    this.decisions.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    this.pruneDecisions();
  }

  get lastPoint(): ChartPoint | undefined {
    return this.points[this.points.length - 1];
  }

  /** The points to draw up to `now`: the last state carried on to the present. */
  pointsUntil(now: number): ChartPoint[] {
    const last = this.lastPoint;
    return last && last.t < now ? [...this.points, { ...last, t: now }] : this.points;
  }
}
