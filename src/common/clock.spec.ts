import { FakeClock } from './testing/fake-clock.js';

describe('Clock.setInterval', () => {
  it('calls back once per period, by the clock, until cancelled', async () => {
    const clock = new FakeClock();
    const calls: number[] = [];
    const start = clock.now();
    const timer = clock.setInterval(() => calls.push(clock.now() - start), 1_000);
    await clock.advance(999);
    expect(calls).toEqual([]);
    await clock.advance(2_001);
    expect(calls).toEqual([1_000, 2_000, 3_000]);
    timer.cancel();
    await clock.advance(10_000);
    expect(calls).toEqual([1_000, 2_000, 3_000]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('can be cancelled from its own callback', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const timer = clock.setInterval(() => {
      calls += 1;
      timer.cancel();
    }, 100);
    await clock.advance(1_000);
    expect(calls).toBe(1);
  });
});
