import { FakeClock } from '../common/testing/fake-clock.js';
import { ScaleDownStabilizer } from './scale-down-stabilizer.js';

describe('ScaleDownStabilizer', () => {
  const window = 300_000;
  let clock: FakeClock;
  let stabilizer: ScaleDownStabilizer;

  beforeEach(() => {
    clock = new FakeClock();
    stabilizer = new ScaleDownStabilizer();
  });

  const recommend = (replicas: number) => stabilizer.recommend(replicas, clock.now(), window);

  it('applies the first recommendation and any rise at once', async () => {
    expect(recommend(2)).toBe(2);
    await clock.advance(1_000);
    expect(recommend(3)).toBe(3);
    await clock.advance(1_000);
    expect(recommend(7)).toBe(7);
    expect(stabilizer.nextChangeAt(clock.now(), window)).toBeUndefined();
  });

  it('holds a fall until the lower value has been recommended for the whole window', async () => {
    recommend(3);
    await clock.advance(10_000);
    const loweredAt = clock.now();
    expect(recommend(2)).toBe(3);
    expect(stabilizer.nextChangeAt(clock.now(), window)).toBe(loweredAt + window);

    await clock.advance(window - 1);
    expect(stabilizer.stabilized(clock.now(), window)).toBe(3);
    await clock.advance(1);
    expect(stabilizer.stabilized(clock.now(), window)).toBe(2);
    expect(stabilizer.nextChangeAt(clock.now(), window)).toBeUndefined();
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
    expect(stabilizer.stabilized(clock.now(), window)).toBe(3);
    expect(stabilizer.nextChangeAt(clock.now(), window)).toBe(loweredAgainAt + window);
    await clock.advance(100_000);
    expect(stabilizer.stabilized(clock.now(), window)).toBe(2);
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
    expect(stabilizer.stabilized(clock.now(), window)).toBe(4);
    await clock.advance(20_000); // t = 30s + window: 4 has left too
    expect(stabilizer.stabilized(clock.now(), window)).toBe(3);
  });

  it('applies a fall at once with a zero window', () => {
    const immediate = new ScaleDownStabilizer();
    expect(immediate.recommend(3, 0, 0)).toBe(3);
    expect(immediate.recommend(2, 5, 0)).toBe(2);
  });

  it('ignores repeated recommendations of the same value', async () => {
    recommend(3);
    await clock.advance(1_000);
    const loweredAt = clock.now();
    recommend(2);
    await clock.advance(100_000);
    recommend(2);
    expect(stabilizer.nextChangeAt(clock.now(), window)).toBe(loweredAt + window);
  });

  it('previews a recommendation without recording it', async () => {
    recommend(3);
    await clock.advance(1_000);
    expect(stabilizer.preview(2, clock.now(), window)).toEqual({
      replicas: 3,
      until: clock.now() + window,
    });
    expect(stabilizer.preview(4, clock.now(), window)).toEqual({ replicas: 4 });
    // Nothing was recorded: 3 is still the settled recommendation.
    expect(stabilizer.nextChangeAt(clock.now(), window)).toBeUndefined();
  });

  it('applies the window the caller passes, so a shorter one lets a fall through sooner', async () => {
    recommend(3);
    await clock.advance(1_000);
    expect(recommend(2)).toBe(3);
    await clock.advance(60_000);
    expect(stabilizer.stabilized(clock.now(), 60_000)).toBe(2);
  });
});
