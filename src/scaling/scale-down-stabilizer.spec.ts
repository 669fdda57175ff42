import { FakeClock } from '../common/testing/fake-clock.js';
import { ScaleDownStabilizer } from './scale-down-stabilizer.js';

describe('ScaleDownStabilizer', () => {
  const window = 300_000;
  let clock: FakeClock;
  let stabilizer: ScaleDownStabilizer;

  beforeEach(() => {
    clock = new FakeClock();
    stabilizer = new ScaleDownStabilizer(window);
  });

  const recommend = (replicas: number) => stabilizer.recommend(replicas, clock.now());

  it('applies the first recommendation and any rise at once', async () => {
    expect(recommend(2)).toBe(2);
    await clock.advance(1_000);
    expect(recommend(3)).toBe(3);
    await clock.advance(1_000);
    expect(recommend(7)).toBe(7);
    expect(stabilizer.nextChangeAt(clock.now())).toBeUndefined();
  });

  it('holds a fall until the lower value has been recommended for the whole window', async () => {
    recommend(3);
    await clock.advance(10_000);
    const loweredAt = clock.now();
    expect(recommend(2)).toBe(3);
    expect(stabilizer.nextChangeAt(clock.now())).toBe(loweredAt + window);

    await clock.advance(window - 1);
    expect(stabilizer.stabilized(clock.now())).toBe(3);
    await clock.advance(1);
    expect(stabilizer.stabilized(clock.now())).toBe(2);
    expect(stabilizer.nextChangeAt(clock.now())).toBeUndefined();
  });

  it('restarts the window when the value comes back up in between', async () => {
    recommend(3);
    await clock.advance(1_000);
    recommend(2);
    await clock.advance(200_000);
    expect(recommend(3)).toBe(3);
    await clock.advance(1_000);
    const loweredAgainAt = clock.now();
    expect(recommend(2)).toBe(3);
    await clock.advance(200_000);
    expect(stabilizer.stabilized(clock.now())).toBe(3);
    expect(stabilizer.nextChangeAt(clock.now())).toBe(loweredAgainAt + window);
    await clock.advance(100_000);
    expect(stabilizer.stabilized(clock.now())).toBe(2);
  });

  it('steps down through the highest value recommended within the window', async () => {
    recommend(5);
    await clock.advance(10_000);
    recommend(2); // 5 was in force until t=10s
    await clock.advance(10_000);
    recommend(4); // 2 until t=20s; 4 from t=20s
    await clock.advance(10_000);
    recommend(3); // 4 until t=30s

    await clock.advance(window - 20_000); // t = 10s + window: 5 has left the window
    expect(stabilizer.stabilized(clock.now())).toBe(4);
    await clock.advance(20_000); // t = 30s + window: 4 has left too
    expect(stabilizer.stabilized(clock.now())).toBe(3);
  });

  it('applies a fall at once with a zero window', () => {
    const immediate = new ScaleDownStabilizer(0);
    expect(immediate.recommend(3, 0)).toBe(3);
    expect(immediate.recommend(2, 5)).toBe(2);
  });

  it('ignores repeated recommendations of the same value', async () => {
    recommend(3);
    await clock.advance(1_000);
    const loweredAt = clock.now();
    recommend(2);
    await clock.advance(100_000);
    recommend(2);
    expect(stabilizer.nextChangeAt(clock.now())).toBe(loweredAt + window);
  });
});
