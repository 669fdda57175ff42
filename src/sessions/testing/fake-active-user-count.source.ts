import { ActiveUserCountSource } from '../active-user-count.source.js';

/**
 * An ActiveUserCountSource for unit tests: returns `count`, records every call, and can
 * hold calls open (`hold()`) to observe what happens while a query is in flight.
 */
export class FakeActiveUserCountSource extends ActiveUserCountSource {
  count = 0;
  readonly calls: Array<'read' | 'sweepExpired' | 'recount'> = [];
  failNext?: Error;
  /** Every call fails with this until cleared (the database is down). */
  failAll?: Error;
  private gate?: { promise: Promise<void>; release: () => void };

  /** Calls made from now on wait until `release()`. */
  hold(): void {
    let release!: () => void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.gate = { promise, release };
  }

  release(): void {
    const gate = this.gate;
    this.gate = undefined;
    gate?.release();
  }

  async read(): Promise<number> {
    return this.answer('read');
  }

  async sweepExpired(_now: number): Promise<number> {
    return this.answer('sweepExpired');
  }

  async recount(_now: number): Promise<number> {
    return this.answer('recount');
  }

  private async answer(call: 'read' | 'sweepExpired' | 'recount'): Promise<number> {
    this.calls.push(call);
    if (this.gate) await this.gate.promise;
    if (this.failAll) throw this.failAll;
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = undefined;
      throw error;
    }
    return this.count;
  }
}
