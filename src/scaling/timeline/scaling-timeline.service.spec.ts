import { Logger, MessageEvent } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { ScalingController } from '../scaling.controller.js';
import { scalingHarness } from '../testing/scaling-harness.js';
import type { ScalingSnapshotDto } from '../dto/timeline.dto.js';
import type { DecisionDto } from '../dto/decision.dto.js';
import { STREAM_INTERVAL_MS } from './scaling-timeline.service.js';

describe('ScalingTimeline', () => {
  let h: ReturnType<typeof scalingHarness>;
  let received: Array<{ type: string; at: number; data: unknown }>;
  let subscription: Subscription | undefined;
  let completed: boolean;

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));
  beforeEach(async () => {
    h = scalingHarness();
    received = [];
    completed = false;
    h.source.count = 10;
    await h.service.onApplicationBootstrap();
    h.timeline.onApplicationBootstrap();
    await h.clock.advance(0);
  });
  afterEach(async () => {
    subscription?.unsubscribe();
    await h.shutDown();
  });

  const listen = () => {
    subscription = h.timeline.events().subscribe({
      next: (event: MessageEvent) =>
        received.push({ type: event.type!, at: h.clock.now(), data: event.data }),
      complete: () => (completed = true),
    });
  };
  const points = () =>
    received.filter((e) => e.type === 'point').map((e) => e.data as ScalingSnapshotDto);
  /** Users log in every 10 ms for `ms`, one more active user each time. */
  const loginsFor = async (ms: number) => {
    for (let t = 0; t < ms; t += 10) {
      h.source.count += 1;
      h.login();
      await h.clock.advance(10);
    }
  };

  it('sends the current state at once to a new client', () => {
    listen();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      type: 'point',
      data: { activeUsers: 10, desiredReplicas: 2, rule: 'tier', ruleIndex: 0 },
    });
  });

  it('sends a point at most every 250 ms while the count changes, ending with the latest', async () => {
    listen();
    await loginsFor(2_000); // 200 logins, the count changes every 10 to 50 ms
    await h.clock.advance(STREAM_INTERVAL_MS);
    const times = received.filter((e) => e.type === 'point').map((e) => e.at);
    for (let i = 2; i < times.length; i++) {
      expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(STREAM_INTERVAL_MS);
    }
    expect(times.length).toBeGreaterThanOrEqual(6); // it did send while things changed
    expect(times.length).toBeLessThanOrEqual(2_000 / STREAM_INTERVAL_MS + 2);
    expect(points()[points().length - 1].activeUsers).toBe(h.source.count);
  });

  it('sends nothing while nothing changes', async () => {
    listen();
    await h.clock.advance(60_000);
    expect(received).toHaveLength(1);
  });

  it('sends a decision at once, not throttled', async () => {
    listen();
    h.source.count = 1_500; // crosses the first tier (1,000 users: 3 replicas)
    h.login();
    await h.clock.advance(0);
    const decision = received.find((e) => e.type === 'decision');
    expect(decision).toBeDefined();
    expect(decision!.at).toBe(received[0].at);
    expect(decision!.data as DecisionDto).toMatchObject({
      reason: 'TierMatched',
      activeUsers: 1_500,
      previousReplicas: 2,
      replicas: 3,
    });
  });

  it('ends every stream when the application shuts down, and a stream opened later at once', () => {
    listen();
    h.timeline.beforeApplicationShutdown();
    expect(completed).toBe(true);
    received = [];
    completed = false;
    listen();
    expect(completed).toBe(true);
    expect(received).toEqual([]);
  });

  describe('history (GET /scaling/history)', () => {
    let controller: ScalingController;
    beforeEach(() => {
      controller = new ScalingController(h.service, h.decisions, h.timeline, h.clock);
    });

    it('answers the last 15 minutes by default: points and decisions, oldest first', async () => {
      const start = h.clock.now();
      await h.clock.advance(60_000);
      h.source.count = 1_500;
      h.login();
      await h.clock.advance(60_000);
      h.source.count = 1_600;
      h.login();
      await h.clock.advance(1_000);
      await h.recorder.idle();

      const history = await controller.history({});
      expect(Date.parse(history.to)).toBe(h.clock.now());
      expect(Date.parse(history.to) - Date.parse(history.from)).toBe(15 * 60_000);
      expect(history.points.map((p) => p.activeUsers)).toEqual([10, 1_500, 1_600]);
      expect(history.points[0].at).toBe(new Date(start).toISOString());
      expect(history.decisions.map((d) => [d.reason, d.replicas])).toEqual([
        ['TierMatched', 2],
        ['TierMatched', 3],
      ]);
    });

    it('answers the last `seconds`, led by the state at its start', async () => {
      await h.clock.advance(10_000);
      h.source.count = 20;
      h.login();
      await h.clock.advance(10_000);
      const history = await controller.history({ seconds: 15 });
      expect(Date.parse(history.to) - Date.parse(history.from)).toBe(15_000);
      expect(history.points.map((p) => p.activeUsers)).toEqual([10, 20]);
      expect(history.decisions).toEqual([]); // the first decision was before the range
    });
  });
});
