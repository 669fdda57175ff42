import {
  DECISION,
  formatDecisionStamp,
  PAUSED,
  PAUSED_REPLICAS,
  PAUSED_UNTIL,
  parseDecisionStamp,
  parsePause,
  SIGNAL_AT,
  signalState,
} from './service-count-annotations.js';

const NOW = Date.parse('2026-12-01T09:00:00Z');

describe('parsePause', () => {
  it('is not paused without annotations or with paused "false"', () => {
    expect(parsePause(undefined, NOW)).toEqual({ paused: false, expired: false, invalid: [] });
    expect(parsePause({ [PAUSED]: 'false', [PAUSED_REPLICAS]: '3' }, NOW).paused).toBe(false);
  });

  it('pauses on paused "true" (any case), holding the Deployment as it is', () => {
    expect(parsePause({ [PAUSED]: 'TRUE' }, NOW)).toEqual({
      paused: true,
      replicas: undefined,
      until: undefined,
      expired: false,
      invalid: [],
    });
  });

  it('pauses at N with paused-replicas, alone or with paused "true"', () => {
    expect(parsePause({ [PAUSED_REPLICAS]: '0' }, NOW)).toMatchObject({
      paused: true,
      replicas: 0,
    });
    expect(parsePause({ [PAUSED]: 'true', [PAUSED_REPLICAS]: ' 5 ' }, NOW)).toMatchObject({
      paused: true,
      replicas: 5,
    });
  });

  it('ends the pause by itself at paused-until', () => {
    const until = '2026-12-01T09:30:00Z';
    expect(parsePause({ [PAUSED]: 'true', [PAUSED_UNTIL]: until }, NOW)).toMatchObject({
      paused: true,
      until: Date.parse(until),
    });
    expect(parsePause({ [PAUSED_UNTIL]: until }, NOW).paused).toBe(true);
    expect(parsePause({ [PAUSED]: 'true', [PAUSED_UNTIL]: until }, Date.parse(until))).toEqual({
      paused: false,
      until: Date.parse(until),
      expired: true,
      invalid: [],
    });
    // Offsets other than Z are RFC 3339 too.
    expect(parsePause({ [PAUSED_UNTIL]: '2026-12-01T18:30:00+09:00' }, NOW)).toMatchObject({
      paused: true,
      until: Date.parse(until),
    });
  });

  it.each([
    [PAUSED, 'yes', '"true" or "false"'],
    [PAUSED_REPLICAS, '-1', 'an integer from 0 to 100000'],
    [PAUSED_REPLICAS, 'three', 'an integer from 0 to 100000'],
    [PAUSED_REPLICAS, '2.5', 'an integer from 0 to 100000'],
    [PAUSED_REPLICAS, '1000000', 'an integer from 0 to 100000'],
    [PAUSED_UNTIL, 'tomorrow', 'an RFC 3339 time such as 2026-12-01T09:00:00Z'],
    [PAUSED_UNTIL, '2026-12-01', 'an RFC 3339 time such as 2026-12-01T09:00:00Z'],
  ])(
    'ignores the whole pause request when %s is %p, and says why',
    (annotation, value, expected) => {
      const state = parsePause({ [PAUSED]: 'true', [annotation]: value }, NOW);
      expect(state.paused).toBe(false);
      expect(state.invalid).toEqual([{ annotation, value, expected }]);
    },
  );
});

describe('signalState', () => {
  const resource = (annotations?: Record<string, string>, staleAfterSeconds?: number) => ({
    metadata: { name: 'r', annotations },
    spec: {
      kiadaServiceCount: 2,
      ...(staleAfterSeconds ? { fallback: { staleAfterSeconds } } : {}),
    },
  });

  it('is unknown (and not stale) until an api has written signal-at', () => {
    expect(signalState(resource(), NOW)).toMatchObject({ known: false, stale: false });
    expect(signalState(resource({ [SIGNAL_AT]: 'garbage' }), NOW).known).toBe(false);
  });

  it('turns stale after spec.fallback.staleAfterSeconds, 120 by default', () => {
    const at = NOW - 119_000;
    const fresh = signalState(resource({ [SIGNAL_AT]: new Date(at).toISOString() }), NOW);
    expect(fresh).toEqual({
      known: true,
      at,
      staleAfterMs: 120_000,
      staleAt: at + 120_000,
      stale: false,
    });
    expect(
      signalState(resource({ [SIGNAL_AT]: new Date(at).toISOString() }), at + 120_000).stale,
    ).toBe(true);
    expect(signalState(resource({ [SIGNAL_AT]: new Date(at).toISOString() }, 10), NOW).stale).toBe(
      true,
    );
  });
});

describe('decision stamp', () => {
  it('round-trips and rejects what is not one', () => {
    const stamp = { reason: 'TierMatched', replicas: 3, recommended: 3, at: NOW };
    expect(parseDecisionStamp({ [DECISION]: formatDecisionStamp(stamp) })).toEqual(stamp);
    expect(parseDecisionStamp({ [DECISION]: '{"reason":1}' })).toBeUndefined();
    expect(parseDecisionStamp({ [DECISION]: 'not json' })).toBeUndefined();
    expect(parseDecisionStamp(undefined)).toBeUndefined();
  });
});
