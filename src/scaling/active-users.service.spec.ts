import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AuthEvents } from '../sessions/auth-events.js';
import { loadConfig, type AppConfig } from '../config/index.js';
import { FakeClock, flushPromises } from '../common/testing/fake-clock.js';
import { ActiveUserCount, ActiveUsers, RECOUNT_EVERY } from './active-users.service.js';
import { ScalingMetrics } from './scaling.metrics.js';
import {
  FakeActiveUserCountSource,
  InMemoryMaintenanceClaims,
} from '../sessions/testing/fake-active-user-count.source.js';

describe('ActiveUsers', () => {
  let clock: FakeClock;
  let source: FakeActiveUserCountSource;
  let events: AuthEvents;
  let activeUsers: ActiveUsers;
  let published: ActiveUserCount[];
  let claims: InMemoryMaintenanceClaims;
  let config: ConfigService<AppConfig, true>;
  let startedAt: number;

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

  beforeEach(async () => {
    clock = new FakeClock();
    claims = new InMemoryMaintenanceClaims();
    source = new FakeActiveUserCountSource(claims);
    events = new AuthEvents();
    config = new ConfigService<AppConfig, true>(
      loadConfig({ SCALING_COALESCE_MS: '50', SCALING_RESYNC_SECONDS: '30' }),
    );
    activeUsers = new ActiveUsers(source, events, config, clock, new ScalingMetrics());
    published = [];
    activeUsers.counts$.subscribe((count) => published.push(count));
    source.count = 5;
    startedAt = clock.now();
    await activeUsers.start();
    source.calls.length = 0;
  });

  afterEach(() => activeUsers.stop());

  const login = (userId = 1) => events.emit({ type: 'login', userId });

  it('recounts once at start and publishes the count', () => {
    expect(published).toEqual([
      { count: 5, kind: 'recount', resync: true, at: clock.now(), countedAt: clock.now() },
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
    expect(published.at(-1)).toMatchObject({ count: 1000, kind: 'read', resync: false });
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

  /** Moves the clock to the next resync period's tick (the first is 30 s after start). */
  const nextPeriod = () => clock.advance(30_000 - ((clock.now() - startedAt) % 30_000));

  it('lets a resync answer pending events instead of reading again', async () => {
    await clock.advance(29_950);
    login(); // read at once
    await clock.advance(10);
    login(); // within the window: waits for its end (30,010 ms)...
    await nextPeriod(); // ...but the period's sweep answers it
    await clock.advance(1_000);
    expect(source.calls).toEqual(['read', 'sweepExpired']);
  });

  it('runs a resync that arrives during a read right after it', async () => {
    await clock.advance(29_000);
    source.hold();
    login();
    await nextPeriod();
    expect(source.calls).toEqual(['read']);
    source.release();
    await flushPromises();
    expect(source.calls).toEqual(['read', 'sweepExpired']);
  });

  it('reads instead when the period was already swept (the start-up recount claimed it)', async () => {
    activeUsers.resync();
    await flushPromises();
    expect(source.calls).toEqual(['read']);
    // Still a resync for the decisions (handed to the writer again), though only a read.
    expect(published.at(-1)).toMatchObject({ kind: 'read', resync: true });
  });

  it('retries a failed sweep after the backoff (1 s), before any event or period, without claiming again', async () => {
    source.failNext = new Error('lock wait timeout');
    await nextPeriod();
    expect(source.calls).toEqual(['sweepExpired']);
    const claims = source.claimsAsked;
    await clock.advance(999);
    expect(source.calls).toEqual(['sweepExpired']);
    await clock.advance(1);
    expect(source.calls).toEqual(['sweepExpired', 'sweepExpired']);
    expect(source.claimsAsked).toBe(claims);
    expect(published.at(-1)).toMatchObject({ kind: 'sweep' });
    expect(activeUsers.healthy).toBe(true);
  });

  it('retries a failed recount with backoff (1 s, then 2 s) until it succeeds', async () => {
    await clock.advance(9 * 30_000); // periods 1-9 sweep
    source.calls.length = 0;
    source.failNext = new Error('connection lost');
    await nextPeriod(); // period 10: the recount
    expect(source.calls).toEqual(['recount']);
    source.failNext = new Error('connection lost');
    await clock.advance(1_000);
    expect(source.calls).toEqual(['recount', 'recount']);
    expect(activeUsers.healthy).toBe(false);
    await clock.advance(1_999);
    expect(source.calls).toHaveLength(2);
    await clock.advance(1);
    expect(source.calls).toEqual(['recount', 'recount', 'recount']);
    expect(published.at(-1)).toMatchObject({ kind: 'recount' });
    expect(activeUsers.healthy).toBe(true);
  });

  it('claims the period again after a failed claim, with backoff', async () => {
    source.failAll = new Error('connection lost');
    await nextPeriod();
    expect(source.calls).toEqual([]);
    source.failAll = undefined;
    await clock.advance(1_000);
    expect(source.calls).toEqual(['sweepExpired']);
  });

  it('shares the upkeep with other replicas: one sweep per period, one recount per 10, the rest read', async () => {
    const replicas = [activeUsers];
    const sources = [source];
    for (let i = 1; i < 4; i++) {
      const other = new FakeActiveUserCountSource(claims);
      sources.push(other);
      replicas.push(new ActiveUsers(other, events, config, clock, new ScalingMetrics()));
      // Each starts at its own moment within the period, as pods do.
      await clock.advance(7_000);
      await replicas[i].start();
    }
    for (const each of sources) each.calls.length = 0;
    await clock.advance(20 * 30_000);
    const all = sources.flatMap((each) => each.calls);
    expect(all.filter((call) => call === 'sweepExpired')).toHaveLength(18);
    expect(all.filter((call) => call === 'recount')).toHaveLength(2);
    expect(all.filter((call) => call === 'read')).toHaveLength(60);
    await Promise.all(replicas.slice(1).map((replica) => replica.stop()));
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
