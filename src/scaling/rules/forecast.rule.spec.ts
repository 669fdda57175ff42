import { forecastRule } from './forecast.rule.js';
import type { UsersForecast } from './scaling-rule.js';
import { ruleInput } from './testing/rule-input.js';

describe('forecast rule', () => {
  const forecast: UsersForecast = {
    expectedUsers: 1_200,
    usersPerMinute: 150,
    lookaheadSeconds: 120,
    windowSeconds: 300,
  };
  /** The answer of the rules before it: the seed's tiers. */
  const answerFor = (users: number) => (users < 1000 ? 2 : 3);

  it('raises the answer to what the expected users need, and says the numbers', () => {
    const step = forecastRule.evaluate(2, ruleInput({ activeUsers: 900, forecast, answerFor }));
    expect(step).toEqual({
      rule: 'forecast',
      reason: 'Forecast',
      replicas: 3,
      note: 'forecast 3 (1,200 users expected in 120 s at +150/min over 300 s)',
    });
  });

  it('changes nothing when the expected users need no more replicas', () => {
    expect(
      forecastRule.evaluate(
        2,
        ruleInput({ activeUsers: 900, forecast: { ...forecast, expectedUsers: 990 }, answerFor }),
      ),
    ).toBeNull();
  });

  it('never lowers the answer (a falling count forecasts no fewer replicas)', () => {
    const falling = { ...forecast, expectedUsers: 900, usersPerMinute: -300 };
    expect(
      forecastRule.evaluate(3, ruleInput({ activeUsers: 1_500, forecast: falling, answerFor })),
    ).toBeNull();
    // Even an answer held above what the expected users need stays.
    expect(
      forecastRule.evaluate(7, ruleInput({ activeUsers: 900, forecast, answerFor })),
    ).toBeNull();
  });

  it('is off without a forecast', () => {
    expect(forecastRule.evaluate(2, ruleInput({ activeUsers: 900, answerFor }))).toBeNull();
  });
});
