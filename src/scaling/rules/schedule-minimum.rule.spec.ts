import type { OpenSchedule } from '../schedules/schedule-windows.js';
import { scheduleMinimumRule } from './schedule-minimum.rule.js';
import { ruleInput } from './testing/rule-input.js';

describe('schedule minimum rule', () => {
  const open = (name: string, minReplicas: number, timeZone = 'UTC'): OpenSchedule => ({
    name,
    minReplicas,
    timeZone,
    until: Date.parse('2026-12-01T18:00:00Z'),
  });

  it("raises the answer to the open window's minimum, until it closes", () => {
    expect(
      scheduleMinimumRule.evaluate(2, ruleInput({ openSchedules: [open('office-hours', 5)] })),
    ).toEqual({
      rule: 'schedule',
      reason: 'ScheduleMinimum',
      replicas: 5,
      until: Date.parse('2026-12-01T18:00:00Z'),
      note: 'schedule office-hours min 5 until 18:00 UTC',
    });
  });

  it('the highest open minimum wins', () => {
    const step = scheduleMinimumRule.evaluate(
      2,
      ruleInput({ openSchedules: [open('lunch', 4), open('launch', 8), open('night', 3)] }),
    );
    expect(step).toMatchObject({ replicas: 8, note: expect.stringContaining('launch') });
  });

  it("tells the closing time in the schedule's own time zone", () => {
    const step = scheduleMinimumRule.evaluate(
      2,
      ruleInput({ openSchedules: [open('office-hours', 5, 'Asia/Seoul')] }),
    );
    expect(step?.note).toBe('schedule office-hours min 5 until 03:00 Asia/Seoul');
  });

  it('changes nothing when the answer is already at least the minimum, or nothing is open', () => {
    expect(
      scheduleMinimumRule.evaluate(5, ruleInput({ openSchedules: [open('office-hours', 5)] })),
    ).toBeNull();
    expect(scheduleMinimumRule.evaluate(2, ruleInput())).toBeNull();
  });
});
