import { TimelineHistory } from './timeline-history.js';
import type { TimelinePoint } from './timeline-point.js';

const HOUR = 3_600_000;

function point(at: number, activeUsers: number): TimelinePoint {
  return { at, activeUsers, desiredReplicas: 2, replicas: 2, readyReplicas: 2 };
}

describe('TimelineHistory', () => {
  it('keeps one point per second: the latest of that second', () => {
    const history = new TimelineHistory(HOUR);
    history.add(point(1_000, 1));
    history.add(point(1_250, 2));
    history.add(point(1_999, 3));
    history.add(point(2_000, 4));
    expect(history.between(0, 10_000, 100).map((p) => p.activeUsers)).toEqual([3, 4]);
  });

  it('forgets points older than its retention', () => {
    const history = new TimelineHistory(10_000);
    for (let at = 0; at <= 60_000; at += 1_000) history.add(point(at, at / 1_000));
    expect(history.size).toBe(11);
    expect(history.between(0, 60_000, 100)[0].at).toBe(50_000);
  });

  it('answers a range with the state at its start and the points inside it', () => {
    const history = new TimelineHistory(HOUR);
    [0, 5_000, 10_000, 15_000, 20_000].forEach((at, i) => history.add(point(at, i)));
    const points = history.between(7_000, 15_000, 100);
    // 5 s is before the range: it is what held at 7 s, where the chart starts.
    expect(points.map((p) => p.at)).toEqual([5_000, 10_000, 15_000]);
  });

  it('answers nothing for a range before the first point', () => {
    const history = new TimelineHistory(HOUR);
    history.add(point(50_000, 1));
    expect(history.between(0, 10_000, 100)).toEqual([]);
  });

  it('thins a long range to at most maxPoints, keeping the last point', () => {
    const history = new TimelineHistory(6 * HOUR);
    for (let at = 0; at < HOUR; at += 1_000) history.add(point(at, at / 1_000));
    const points = history.between(0, HOUR, 600);
    expect(points.length).toBeLessThanOrEqual(600);
    expect(points.length).toBeGreaterThan(500);
    expect(points[points.length - 1].activeUsers).toBe(3_599);
    for (let i = 1; i < points.length; i++) expect(points[i].at).toBeGreaterThan(points[i - 1].at);
  });

  it('ignores a point older than the last one', () => {
    const history = new TimelineHistory(HOUR);
    history.add(point(5_000, 1));
    history.add(point(3_000, 2));
    expect(history.between(0, 10_000, 100).map((p) => p.activeUsers)).toEqual([1]);
  });
});
