import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AuthEvents } from '../sessions/auth-events.js';
import { loadConfig, type AppConfig } from '../config/index.js';
import { FakeClock, flushPromises } from '../common/testing/fake-clock.js';
import { ActiveUserCount, ActiveUsers, RECOUNT_EVERY } from './active-users.service.js';
import { ScalingMetrics } from './scaling.metrics.js';
import { FakeActiveUserCountSource } from '../sessions/testing/fake-active-user-count.source.js';

describe('ActiveUsers', () => {
  let clock: FakeClock;
  let source: FakeActiveUserCountSource;
  let events: AuthEvents;
  let activeUsers: ActiveUsers;
  let published: ActiveUserCount[];

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

  beforeEach(async () => {
    clock = new FakeClock();
    source = new FakeActiveUserCountSource();
    events = new AuthEvents();
    const config = new ConfigService<AppConfig, true>(
      loadConfig({ SCALING_COALESCE_MS: '50', SCALING_RESYNC_SECONDS: '30' }),
    );
    activeUsers = new ActiveUsers(source, events, config, clock, new ScalingMetrics());
    published = [];
    activeUsers.counts$.subscribe((count) => published.push(count));
    source.count = 5;
    await activeUsers.start();
    source.calls.length = 0;
  });

  afterEach(() => activeUsers.stop());

  const login = (userId = 1) => events.emit({ type: 'login', userId });

  it('recounts once at start and publishes the count', () => {
    expect(published).toEqual([
      { count: 5, kind: 'recount', at: clock.now(), countedAt: clock.now() },
    ]);
  });

  it('reads at once after a quiet spell, and turns the rest of a burst of 1,000 into one more read', async () => {
    source.count = 1000;
    for (let i = 0; i < 1000; i++) login(i);
    expect(source.calls).toEqual(['read']); // leading edge: no wait for the first event
    await clock.advance(49);
    expect(source.calls).toEqual(['read']);
    await clock.advance(1);
    expect(source.calls).toEqual(['read', 'read']); // trailing edge: the rest of the burst
    await clock.advance(1_000);
    expect(source.calls).toEqual(['read', 'read']);
    expect(published.at(-1)).toMatchObject({ count: 1000, kind: 'read' });
    // Quiet again: the next event reads at once.
    login();
    expect(source.calls).toEqual(['read', 'read', 'read']);
  });

  it('keeps one read in flight and schedules exactly one follow-up for events during it', async () => {
    source.hold();
    login();
    await clock.advance(50);
    expect(source.calls).toEqual(['read']);
    for (let i = 0; i < 500; i++) login(i);
    await clock.advance(1_000);
    expect(source.calls).toEqual(['read']);

    source.count = 7;
    source.release();
    await flushPromises();
    await clock.advance(50);
    expect(source.calls).toEqual(['read', 'read']);
    expect(published.at(-1)).toMatchObject({ count: 7 });
    await clock.advance(1_000);
    expect(source.calls).toEqual(['read', 'read']);
  });

  it('sweeps every SCALING_RESYNC_SECONDS by the clock and recounts every 10th period', async () => {
    await clock.advance(29_999);
    expect(source.calls).toEqual([]);
    for (let period = 1; period <= 2 * RECOUNT_EVERY; period++) {
      await clock.advance(period === 1 ? 1 : 30_000);
    }
    const expected = Array.from({ length: 2 * RECOUNT_EVERY }, (_, index) =>
      (index + 1) % RECOUNT_EVERY === 0 ? 'recount' : 'sweepExpired',
    );
    expect(source.calls).toEqual(expected);
  });

  it('lets a resync answer pending events instead of reading again', async () => {
    login(); // read at once
    await flushPromises();
    login(); // within the window: waits for its end...
    activeUsers.resync(); // ...but the sweep answers it
    await clock.advance(1_000);
    expect(source.calls).toEqual(['read', 'sweepExpired']);
  });

  it('runs a resync that arrives during a read right after it', async () => {
    source.hold();
    login();
    await clock.advance(50);
    activeUsers.resync();
    expect(source.calls).toEqual(['read']);
    source.release();
    await flushPromises();
    expect(source.calls).toEqual(['read', 'sweepExpired']);
  });

  it('logs a failed read and reads again on the next event', async () => {
    source.failNext = new Error('connection lost');
    login();
    await clock.advance(50);
    expect(published).toHaveLength(1);
    source.count = 9;
    login();
    await clock.advance(50);
    expect(source.calls).toEqual(['read', 'read']);
    expect(published.at(-1)).toMatchObject({ count: 9 });
  });

  it('stops listening and resyncing on stop', async () => {
    await activeUsers.stop();
    login();
    activeUsers.resync();
    await clock.advance(300_000);
    expect(source.calls).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });
});
