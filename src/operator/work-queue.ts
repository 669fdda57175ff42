import { backoffDelay, BackoffOptions } from '../common/backoff.js';
import type { Clock, Timer } from '../common/clock.js';
import type { ObjectKey } from './object-key.js';

export interface WorkQueueOptions {
  /** Retry delay after the n-th consecutive failure of a key. */
  backoff: BackoffOptions;
  /** Keys processed in parallel (never the same key twice at once). */
  concurrency: number;
  /** Told the number of keys waiting to be processed whenever it changes. */
  onDepth?: (depth: number) => void;
}

export type WorkHandler = (key: ObjectKey) => Promise<void>;

/**
 * Keys waiting for reconciliation, as client-go's workqueue: a key queued twice is
 * processed once; a key added while it is being processed runs again afterwards (never
 * concurrently); a key whose handler throws is retried with capped exponential backoff.
 */
export class WorkQueue {
  private readonly ready: ObjectKey[] = [];
  private readonly readySet = new Set<ObjectKey>();
  private readonly processing = new Map<ObjectKey, Promise<void>>();
  private readonly dirty = new Set<ObjectKey>();
  private readonly delayed = new Map<ObjectKey, { at: number; timer: Timer }>();
  private readonly failures = new Map<ObjectKey, number>();
  private stopped = false;

  constructor(
    private readonly handler: WorkHandler,
    private readonly clock: Clock,
    private readonly options: WorkQueueOptions,
  ) {}

  get depth(): number {
    return this.ready.length;
  }

  /** Consecutive failures of `key` so far (0 after a success). */
  failuresOf(key: ObjectKey): number {
    return this.failures.get(key) ?? 0;
  }

  add(key: ObjectKey): void {
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
  addAfter(key: ObjectKey, delayMs: number): void {
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

  /** Drops `key` and its retry state (the object is gone). */
  forget(key: ObjectKey): void {
    this.failures.delete(key);
    this.delayed.get(key)?.timer.cancel();
    this.delayed.delete(key);
  }

  /** Stops taking work, cancels retries and waits for running handlers to finish. */
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
    while (!this.stopped && this.processing.size < this.options.concurrency && this.ready.length) {
      const key = this.ready.shift()!;
      this.readySet.delete(key);
      this.reportDepth();
      this.processing.set(key, this.process(key));
    }
  }

  private async process(key: ObjectKey): Promise<void> {
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
