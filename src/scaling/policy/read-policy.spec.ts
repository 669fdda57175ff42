import type { KiadaServiceCount, PolicySpec } from '../../kubernetes/kiada-service-count.js';
import {
  formatPolicyVerdict,
  POLICY,
  policyDigest,
} from '../../kubernetes/service-count-annotations.js';
import { SEED_POLICY } from '../rules/testing/rule-input.js';
import { readPolicy } from './read-policy.js';

const NOW = Date.parse('2026-12-01T09:00:00Z');
const resource = (policy?: PolicySpec, applied?: PolicySpec): KiadaServiceCount => ({
  apiVersion: 'hanyang.ac.kr/v1',
  kind: 'KiadaServiceCount',
  metadata: {
    name: 'r',
    annotations: applied
      ? {
          [POLICY]: formatPolicyVerdict({
            checked: policyDigest(applied),
            valid: true,
            source: 'resource',
            applied,
          }),
        }
      : {},
  },
  spec: { kiadaServiceCount: 2, ...(policy ? { policy } : {}) },
});
const bad: PolicySpec = { stepUsers: 0 };

describe('readPolicy', () => {
  it("without spec.policy: the environment's, and a verdict saying so", () => {
    expect(readPolicy(resource(), SEED_POLICY, NOW)).toEqual({
      policy: SEED_POLICY,
      source: 'environment',
      verdict: { checked: 'none', valid: true, source: 'environment', applied: null },
    });
  });

  it('a valid spec.policy: merged over the environment, and applied', () => {
    const reading = readPolicy(resource({ maxReplicas: 9 }), SEED_POLICY, NOW);
    expect(reading.policy.maxReplicas).toBe(9);
    expect(reading.verdict).toEqual({
      checked: policyDigest({ maxReplicas: 9 }),
      valid: true,
      source: 'resource',
      applied: { maxReplicas: 9 },
    });
  });

  it('an invalid one: the last valid one the resource keeps, whichever api replica reads it', () => {
    const reading = readPolicy(resource(bad, { maxReplicas: 9 }), SEED_POLICY, NOW);
    expect(reading).toMatchObject({
      source: 'resource',
      policy: { maxReplicas: 9, stepUsers: 20000 },
    });
    expect(reading.verdict).toEqual({
      checked: policyDigest(bad),
      valid: false,
      message:
        'spec.policy.stepUsers must be an integer from 1 (got 0). The api keeps the last valid spec.policy until this is fixed',
      source: 'resource',
      applied: { maxReplicas: 9 },
    });
  });

  it("an invalid one with no valid one before it: the environment's", () => {
    const reading = readPolicy(resource(bad), SEED_POLICY, NOW);
    expect(reading).toMatchObject({ source: 'environment', policy: SEED_POLICY });
    expect(reading.verdict.message).toMatch(
      /The api uses its SCALING_\* settings until this is fixed$/,
    );
  });

  it('digests spec.policy whatever the order of its keys', () => {
    expect(policyDigest({ minReplicas: 1, maxReplicas: 2 })).toBe(
      policyDigest({ maxReplicas: 2, minReplicas: 1 }),
    );
    expect(policyDigest({ minReplicas: 1 })).not.toBe(policyDigest({ minReplicas: 2 }));
  });
});
