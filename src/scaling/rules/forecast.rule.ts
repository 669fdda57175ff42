import { defineRule, formatUsers } from './scaling-rule.js';

/**
 * Forecast: replicas ready before the users arrive. With spec.policy.forecast, the
 * active users expected `lookaheadSeconds` ahead (forecast/users-forecast.ts: linear, from
 * the net rate over the window, never below the count) get the answer the rules before
 * this one give for them, when it is higher. Never lowers the answer.
 */
export const forecastRule = defineRule({
  name: 'forecast',
  stage: 'recommend',
  reasons: [
    {
      code: 'Forecast',
      description:
        'the active users expected lookaheadSeconds ahead, at the net rate of the last windowSeconds, need more replicas',
      label: 'forecast',
    },
  ],
  evaluate(replicas, { activeUsers, forecast, answerFor }) {
    if (replicas === null || !forecast || forecast.expectedUsers <= activeUsers) return null;
    const ahead = answerFor(forecast.expectedUsers);
    if (ahead <= replicas) return null;
    const rate = Math.round(forecast.usersPerMinute);
    return {
      rule: 'forecast',
      reason: 'Forecast',
      replicas: ahead,
      note:
        `forecast ${ahead} (${formatUsers(forecast.expectedUsers)} users expected in ` +
        `${forecast.lookaheadSeconds} s at ${rate >= 0 ? '+' : ''}${formatUsers(rate)}/min over ${forecast.windowSeconds} s)`,
    };
  },
});
