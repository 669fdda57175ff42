/** A scheduled callback that can be cancelled. */
export interface Timer {
  cancel(): void;
}

/**
 * Time as the app sees it. Injected (the abstract class is the DI token) so tests
 * drive informers, queues and leader election with FakeClock instead of real time.
 */
export abstract class Clock {
  /** Milliseconds since the epoch. */
  abstract now(): number;
  abstract setTimeout(callback: () => void, delayMs: number): Timer;

  /** Calls `callback` every `periodMs` (by this clock) until the timer is cancelled. */
  setInterval(callback: () => void, periodMs: number): Timer {
    let timer: Timer;
    const tick = () => {
      timer = this.setTimeout(tick, periodMs);
      callback();
    };
    timer = this.setTimeout(tick, periodMs);
    return { cancel: () => timer.cancel() };
  }

  /** Resolves after `delayMs` (by this clock). */
  sleep(delayMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, delayMs));
  }
}

export class SystemClock extends Clock {
  now(): number {
    return Date.now();
  }

  setTimeout(callback: () => void, delayMs: number): Timer {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    // Timers never keep a shutting-down process alive.
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  }
}
