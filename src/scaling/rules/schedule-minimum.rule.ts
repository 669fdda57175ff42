import { clockTime, defineRule } from './scaling-rule.js';

/**
 * Schedule minimum: while a schedule's window is open, at least its minReplicas; of
 * several open windows the highest minimum wins (the first of equal ones).
 */
export const scheduleMinimumRule = defineRule({
  name: 'schedule',
  stage: 'recommend',
  reasons: [
    {
      code: 'ScheduleMinimum',
      description: "a schedule's window is open and its minReplicas is above the answer",
      label: 'schedule',
    },
  ],
  evaluate(replicas, { openSchedules }) {
    if (replicas === null || openSchedules.length === 0) return null;
    const highest = openSchedules.reduce((best, open) =>
      open.minReplicas > best.minReplicas ? open : best,
    );
    if (highest.minReplicas <= replicas) return null;
    const { name, minReplicas, until, timeZone } = highest;
    return {
      rule: 'schedule',
      reason: 'ScheduleMinimum',
      replicas: minReplicas,
      until,
      note: `schedule ${name} min ${minReplicas} until ${clockTime(until, timeZone)} ${timeZone}`,
    };
  },
});
