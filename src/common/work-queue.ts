import { backoffDelay, BackoffOptions } from './backoff.js';
import type { Clock, Timer } from './clock.js';

export interface WorkQueueOptions {
  /** Retry delay after the n-th consecutive failure of a key. */
  backoff: BackoffOptions;
  /** Keys processed in parallel (never the same key twice at once). Default 1. */
  concurrency?: number;
  /** Told the number of keys waiting to be processed whenever it changes. */
  onDepth?: (depth: number) => void;
}

export type WorkHandler = (key: string) => Promise<void>;

/**
 * The one "coalesce, one at a time, retry with backoff" machine of the code base, after
 * client-go's workqueue: a key queued twice is processed once; a key added while it is
 * being processed runs once more afterwards (never concurrently); `addAfter` delays an add
 * (the earliest pending one wins), which coalesces a burst into one run; a key whose handler
 * throws is retried with capped exponential backoff. With one key it is a coalescing,
 * retrying background task (the resource writer, the active-user count); with one key per
 * object it is the operator's reconcile queue. Handlers log their own failures (see
 * FailureStreak). Time comes from the injected Clock.
 */
export class WorkQueue {
  private readonly ready: string[] = [];
  private readonly readySet = new Set<string>();
  private readonly processing = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();
  private readonly delayed = new Map<string, { at: number; timer: Timer }>();
  private readonly failures = new Map<string, number>();
  private readonly concurrency: number;
  private stopped = false;

  constructor(
    private readonly handler: WorkHandler,
    private readonly clock: Clock,
    private readonly options: WorkQueueOptions,
  ) {
    this.concurrency = options.concurrency ?? 1;
  }

  get depth(): number {
    return this.ready.length;
  }

  /** Consecutive failures of `key` so far (0 after a success). */
  failuresOf(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** True while a (retry) add of `key` is scheduled for later. */
  isScheduled(key: string): boolean {
    return this.delayed.has(key);
  }

  add(key: string): void {
    if (this.stopped) return;
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.readySet.has(key)) return;
    this.readySet.add(key);
    this.ready.push(key);
    this.reportDepth();
    this.pump();
  }

  /** Adds `key` after `delayMs`; an earlier pending add of the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.stopped) return;
    const at = this.clock.now() + delayMs;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    pending?.timer.cancel();
    const timer = this.clock.setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    this.delayed.set(key, { at, timer });
  }

  /** Drops `key`'s scheduled adds and its retry state (the object is gone). */
  forget(key: string): void {
    this.failures.delete(key);
    this.delayed.get(key)?.timer.cancel();
    this.delayed.delete(key);
  }

  /** Settles once no handler runs and none is ready to run (scheduled adds aside). */
  async idle(): Promise<void> {
    while (this.processing.size > 0) {
      await Promise.allSettled([...this.processing.values()]);
    }
  }

  /** Stops taking work, cancels scheduled adds and waits for running handlers to finish. */
  async shutDown(): Promise<void> {
    this.stopped = true;
    this.delayed.forEach(({ timer }) => timer.cancel());
    this.delayed.clear();
    this.ready.length = 0;
    this.readySet.clear();
    this.dirty.clear();
    this.reportDepth();
    await Promise.allSettled([...this.processing.values()]);
  }

  private pump(): void {
    while (!this.stopped && this.processing.size < this.concurrency && this.ready.length) {
      const key = this.ready.shift()!;
      this.readySet.delete(key);
      this.reportDepth();
      this.processing.set(key, this.process(key));
    }
  }

  private async process(key: string): Promise<void> {
    try {
      await this.handler(key);
      this.failures.delete(key);
    } catch {
      const attempt = this.failuresOf(key) + 1;
      this.failures.set(key, attempt);
      this.addAfter(key, backoffDelay(attempt, this.options.backoff));
    }
    this.processing.delete(key);
    if (this.dirty.delete(key)) this.add(key);
    this.pump();
  }

  private reportDepth(): void {
    this.options.onDepth?.(this.ready.length);
  }
}
