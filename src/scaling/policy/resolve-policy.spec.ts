import { SEED_POLICY } from '../rules/testing/rule-input.js';
import { resolvePolicy } from './resolve-policy.js';

const NOW = Date.parse('2026-12-01T09:00:00Z');
const problems = (spec: Parameters<typeof resolvePolicy>[0]) => {
  const check = resolvePolicy(spec, SEED_POLICY, NOW);
  return check.valid ? [] : check.problems;
};

describe('resolvePolicy', () => {
  it("without spec.policy is the environment's policy", () => {
    expect(resolvePolicy(undefined, SEED_POLICY, NOW)).toEqual({
      valid: true,
      policy: SEED_POLICY,
    });
  });

  it('takes each field it leaves out from the environment', () => {
    const check = resolvePolicy({ maxReplicas: 10, scaleDown: {} }, SEED_POLICY, NOW);
    expect(check).toEqual({ valid: true, policy: { ...SEED_POLICY, maxReplicas: 10 } });
  });

  it('takes every field it sets, with schedules (UTC by default) and a forecast', () => {
    const check = resolvePolicy(
      {
        tiers: [{ belowUsers: 10, replicas: 1 }],
        stepUsers: 5,
        minReplicas: 1,
        maxReplicas: 8,
        scaleDown: { stabilizationSeconds: 60 },
        schedules: [{ name: 'night', start: '0 22 * * *', end: '0 6 * * *', minReplicas: 3 }],
        forecast: { lookaheadSeconds: 120, windowSeconds: 300 },
      },
      SEED_POLICY,
      NOW,
    );
    expect(check).toEqual({
      valid: true,
      policy: {
        tiers: [{ belowUsers: 10, replicas: 1 }],
        stepUsers: 5,
        minReplicas: 1,
        maxReplicas: 8,
        stabilizationSeconds: 60,
        schedules: [
          { name: 'night', start: '0 22 * * *', end: '0 6 * * *', timeZone: 'UTC', minReplicas: 3 },
        ],
        forecast: { lookaheadSeconds: 120, windowSeconds: 300 },
      },
    });
  });

  it('rejects, naming each field, what the CRD checks too', () => {
    expect(
      problems({
        tiers: [
          { belowUsers: 100, replicas: 2 },
          { belowUsers: 100, replicas: 1 },
        ],
        stepUsers: 0,
        minReplicas: -1,
      }),
    ).toEqual([
      "spec.policy.tiers[1].belowUsers 100 must be above the previous tier's 100 (strictly increasing)",
      "spec.policy.tiers[1].replicas 1 must not be below the previous tier's 2",
      'spec.policy.stepUsers must be an integer from 1 (got 0)',
      'spec.policy.minReplicas must be an integer from 0 (got -1)',
    ]);
    expect(problems({ tiers: [] })).toEqual([
      'spec.policy.tiers must list at least one tier { belowUsers, replicas }',
    ]);
  });

  it('rejects bounds that cross once merged with the environment, and says which setting', () => {
    expect(problems({ minReplicas: 150 })).toEqual([
      'spec.policy.minReplicas 150 is above SCALING_MAX_REPLICAS (maxReplicas is not set) 100: set both in spec.policy',
    ]);
    expect(problems({ minReplicas: 5, maxReplicas: 4 })).toEqual([
      'spec.policy.minReplicas 5 is above spec.policy.maxReplicas 4: set both in spec.policy',
    ]);
  });

  it('rejects what only the api can check: cron expressions, time zones, names', () => {
    expect(
      problems({
        schedules: [
          {
            name: 'a',
            start: '0 8 * *',
            end: '0 18 * * *',
            timeZone: 'Asia/Seoul',
            minReplicas: 2,
          },
          {
            name: 'a',
            start: '0 8 * * *',
            end: '0 8 * * *',
            timeZone: 'Asia/Seul',
            minReplicas: 2,
          },
        ],
      }),
    ).toEqual([
      'spec.policy.schedules[0].start "0 8 * *" must have 5 fields (minute hour day-of-month month day-of-week), such as "0 8 * * 1-5"',
      'spec.policy.schedules[1].name "a" is used by an earlier schedule',
      'spec.policy.schedules[1].timeZone "Asia/Seul" is not an IANA time zone name (such as Asia/Seoul, Europe/Berlin or UTC)',
      'spec.policy.schedules[1].end must differ from start (the window would never be open)',
    ]);
  });

  it('bounds the forecast', () => {
    expect(problems({ forecast: { lookaheadSeconds: 0, windowSeconds: 7_200 } })).toEqual([
      'spec.policy.forecast.lookaheadSeconds must be an integer from 1 to 3600 (got 0)',
      'spec.policy.forecast.windowSeconds must be an integer from 1 to 3600 (got 7200)',
    ]);
  });
});
