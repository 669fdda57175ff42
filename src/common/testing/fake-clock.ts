import { Clock, Timer } from '../clock.js';

interface Scheduled {
  at: number;
  seq: number;
  callback: () => void;
}

/** Lets pending promise callbacks (and the work they schedule) run. */
export async function flushPromises(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/**
 * Manual time for tests: nothing fires until `advance`, which runs due timers in order
 * and lets the promises they start settle between timers.
 */
export class FakeClock extends Clock {
  private current: number;
  private seq = 0;
  private scheduled: Scheduled[] = [];

  constructor(start = Date.parse('2025-01-01T00:00:00Z')) {
    super();
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): Timer {
    const entry: Scheduled = { at: this.current + Math.max(0, delayMs), seq: this.seq++, callback };
    this.scheduled.push(entry);
    return { cancel: () => (this.scheduled = this.scheduled.filter((item) => item !== entry)) };
  }

  get pendingTimers(): number {
    return this.scheduled.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.current + ms;
    await flushPromises();
    for (;;) {
      const next = this.scheduled
        .filter((item) => item.at <= end)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.scheduled = this.scheduled.filter((item) => item !== next);
      this.current = Math.max(this.current, next.at);
      next.callback();
      await flushPromises();
    }
    this.current = end;
    await flushPromises();
  }
}
