import { FakeClock, flushPromises } from './testing/fake-clock.js';
import { WorkQueue } from './work-queue.js';

describe(WorkQueue.name, () => {
  let clock: FakeClock;
  let queue: WorkQueue;
  let runs: string[];
  let release: Array<() => void>;
  let failuresLeft: number;

  const backoff = { initialMs: 1000, maxMs: 4000 };

  beforeEach(() => {
    clock = new FakeClock();
    runs = [];
    release = [];
    failuresLeft = 0;
  });

  afterEach(async () => {
    release.forEach((resolve) => resolve());
    await queue.shutDown();
    expect(clock.pendingTimers).toBe(0);
  });

  /** A handler that blocks until released. */
  const blocking = (key: string) =>
    new Promise<void>((resolve) => {
      runs.push(key);
      release.push(resolve);
    });

  const failing = async (key: string) => {
    runs.push(`${key}@${clock.now()}`);
    if (failuresLeft-- > 0) throw new Error('boom');
  };

  it('processes a key queued several times once', async () => {
    queue = new WorkQueue(blocking, clock, { backoff, concurrency: 1 });
    queue.add('ns/a');
    queue.add('ns/b');
    queue.add('ns/b');
    expect(queue.depth).toBe(1);
    release.shift()!();
    await flushPromises();
    release.shift()!();
    await flushPromises();
    expect(runs).toEqual(['ns/a', 'ns/b']);
  });

  it('never runs one key twice at once, and reruns a key added while it ran', async () => {
    queue = new WorkQueue(blocking, clock, { backoff, concurrency: 4 });
    queue.add('ns/a');
    queue.add('ns/a');
    queue.add('ns/a');
    expect(runs).toEqual(['ns/a']);
    release.shift()!();
    await flushPromises();
    expect(runs).toEqual(['ns/a', 'ns/a']);
    release.shift()!();
    await flushPromises();
    expect(runs).toHaveLength(2);
  });

  it('retries a failing key with capped exponential backoff, then forgets the failures', async () => {
    const start = clock.now();
    failuresLeft = 4;
    queue = new WorkQueue(failing, clock, { backoff, concurrency: 1 });
    queue.add('ns/a');
    await clock.advance(20_000);
    expect(runs.map((run) => Number(run.split('@')[1]) - start)).toEqual([
      0, 1000, 3000, 7000, 11_000,
    ]);
    expect(queue.failuresOf('ns/a')).toBe(0);
  });

  it('reports its depth and drops pending retries on shutdown', async () => {
    const depths: number[] = [];
    failuresLeft = 10;
    queue = new WorkQueue(failing, clock, {
      backoff,
      concurrency: 1,
      onDepth: (depth) => depths.push(depth),
    });
    queue.add('ns/a');
    await flushPromises();
    expect(depths).toEqual([1, 0]);
    expect(clock.pendingTimers).toBe(1);
    await queue.shutDown();
    queue.add('ns/a');
    await clock.advance(10_000);
    expect(runs).toHaveLength(1);
  });
});
