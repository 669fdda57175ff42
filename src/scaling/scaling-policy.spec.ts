import type { ScalingPolicyConfig } from '../config/index.js';
import { replicasForActiveUsers } from './scaling-policy.js';

const seed: ScalingPolicyConfig = {
  tiers: [
    { belowUsers: 1000, replicas: 2 },
    { belowUsers: 10000, replicas: 3 },
  ],
  stepUsers: 20000,
  minReplicas: 2,
  maxReplicas: 100,
};

describe('replicasForActiveUsers', () => {
  describe('the seed policy', () => {
    it.each([
      [0, 2],
      [999, 2],
      [1000, 3],
      [9999, 3],
      [10000, 3],
      [29999, 3],
      [30000, 4],
      [49999, 4],
      [50000, 5],
      [1_970_000, 100],
      [1_990_000, 100],
      [10_000_000, 100],
    ])('%i active users -> %i replicas', (users, replicas) => {
      expect(replicasForActiveUsers(users, seed)).toBe(replicas);
    });
  });

  it('caps at maxReplicas', () => {
    expect(replicasForActiveUsers(90000, { ...seed, maxReplicas: 5 })).toBe(5);
  });

  it('raises to minReplicas', () => {
    expect(replicasForActiveUsers(0, { ...seed, minReplicas: 4 })).toBe(4);
    expect(replicasForActiveUsers(0, { ...seed, minReplicas: 0 })).toBe(2);
  });

  it('treats a negative or fractional count as the whole users it holds', () => {
    expect(replicasForActiveUsers(-5, seed)).toBe(2);
    expect(replicasForActiveUsers(999.9, seed)).toBe(2);
  });

  describe('custom tiers and step', () => {
    const custom: ScalingPolicyConfig = {
      tiers: [
        { belowUsers: 10, replicas: 0 },
        { belowUsers: 100, replicas: 1 },
        { belowUsers: 500, replicas: 4 },
      ],
      stepUsers: 250,
      minReplicas: 0,
      maxReplicas: 10,
    };

    it.each([
      [0, 0],
      [9, 0],
      [10, 1],
      [99, 1],
      [100, 4],
      [499, 4],
      [500, 4],
      [749, 4],
      [750, 5],
      [1000, 6],
      [100_000, 10],
    ])('%i active users -> %i replicas', (users, replicas) => {
      expect(replicasForActiveUsers(users, custom)).toBe(replicas);
    });

    it('a single tier steps from its bound', () => {
      const single = {
        tiers: [{ belowUsers: 50, replicas: 1 }],
        stepUsers: 50,
        minReplicas: 1,
        maxReplicas: 100,
      };
      expect(replicasForActiveUsers(49, single)).toBe(1);
      expect(replicasForActiveUsers(50, single)).toBe(1);
      expect(replicasForActiveUsers(100, single)).toBe(2);
    });
  });
});
