import { FakeClock } from '../../common/testing/fake-clock.js';
import { LatestThrottle } from './latest-throttle.js';

describe('LatestThrottle', () => {
  let clock: FakeClock;
  let sent: Array<{ value: number; at: number }>;
  let throttle: LatestThrottle<number>;

  beforeEach(() => {
    clock = new FakeClock(0);
    sent = [];
    throttle = new LatestThrottle(clock, 250, (value) => sent.push({ value, at: clock.now() }));
  });

  it('sends the first value after a quiet spell at once', () => {
    throttle.push(1);
    expect(sent).toEqual([{ value: 1, at: 0 }]);
  });

  it('sends at most one value per 250 ms while values keep coming, always the latest', async () => {
    for (let i = 1; i <= 100; i++) {
      throttle.push(i);
      await clock.advance(10); // 100 values over 1 s
    }
    await clock.advance(250);
    const times = sent.map((entry) => entry.at);
    for (let i = 1; i < times.length; i++)
      expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(250);
    expect(sent.length).toBeLessThanOrEqual(5);
    expect(sent[0]).toEqual({ value: 1, at: 0 });
    // The final state is never held back: the last value goes at the end of its interval.
    expect(sent[sent.length - 1].value).toBe(100);
  });

  it('sends a value that comes after the interval has passed at once', async () => {
    throttle.push(1);
    await clock.advance(300);
    throttle.push(2);
    expect(sent).toEqual([
      { value: 1, at: 0 },
      { value: 2, at: 300 },
    ]);
  });

  it('sends the trailing value at the end of the interval, not before', async () => {
    throttle.push(1);
    await clock.advance(100);
    throttle.push(2);
    throttle.push(3);
    await clock.advance(149);
    expect(sent.map((entry) => entry.value)).toEqual([1]);
    await clock.advance(1);
    expect(sent).toEqual([
      { value: 1, at: 0 },
      { value: 3, at: 250 },
    ]);
  });

  it('sends nothing after cancel', async () => {
    throttle.push(1);
    throttle.push(2);
    throttle.cancel();
    await clock.advance(1000);
    expect(sent.map((entry) => entry.value)).toEqual([1]);
    expect(clock.pendingTimers).toBe(0);
  });
});
