/** A scheduled callback that can be cancelled. */
export interface Timer {
  cancel(): void;
}

/**
 * Time as the operator sees it. Injected (the abstract class is the DI token) so tests
 * drive informers, queues and leader election with FakeClock instead of real time.
 */
export abstract class Clock {
  /** Milliseconds since the epoch. */
  abstract now(): number;
  abstract setTimeout(callback: () => void, delayMs: number): Timer;

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
