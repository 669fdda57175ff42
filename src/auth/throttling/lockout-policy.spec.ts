import { lockoutMs } from './lockout-policy.js';

describe('lockoutMs', () => {
  const policy = { threshold: 5, baseSeconds: 1, maxSeconds: 900 };

  it('locks nothing below the threshold, then doubles from the base up to the cap', () => {
    const delays = Array.from({ length: 18 }, (_, i) => lockoutMs(i + 1, policy) / 1000);
    expect(delays).toEqual([0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900]);
  });

  it('stays at the cap for any number of failures', () => {
    expect(lockoutMs(10_000, policy)).toBe(900_000);
    expect(lockoutMs(10_000, { threshold: 1, baseSeconds: 86_400, maxSeconds: 86_400 })).toBe(
      86_400_000,
    );
  });

  it('is off with threshold 0', () => {
    expect(lockoutMs(1_000, { ...policy, threshold: 0 })).toBe(0);
  });
});
