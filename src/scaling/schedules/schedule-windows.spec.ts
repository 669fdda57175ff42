import type { Schedule } from '../policy/scaling-policy.js';
import {
  cronProblem,
  nextOccurrence,
  previousOccurrence,
  scheduleState,
  timeZoneProblem,
  windowsBetween,
} from './schedule-windows.js';

const at = (iso: string) => Date.parse(iso);
const iso = (time: number | undefined) =>
  time === undefined ? undefined : new Date(time).toISOString();
const schedule = (start: string, end: string, timeZone = 'UTC', minReplicas = 5): Schedule => ({
  name: 'w',
  start,
  end,
  timeZone,
  minReplicas,
});

describe('schedule windows', () => {
  it("are open from a start to the first end after it, in the schedule's time zone", () => {
    const officeHours = schedule('0 8 * * 1-5', '0 18 * * 1-5', 'Asia/Seoul');
    // Tuesday 2026-12-01 09:00 UTC = 18:00 in Seoul: it has just closed.
    const closed = scheduleState([officeHours], at('2026-12-01T09:00:00Z'));
    expect(closed.open).toEqual([]);
    expect(iso(closed.nextBoundaryAt)).toBe('2026-12-01T23:00:00.000Z'); // Wednesday 08:00 KST
    const open = scheduleState([officeHours], at('2026-12-01T08:59:59Z'));
    expect(open.open).toEqual([
      {
        name: 'w',
        minReplicas: 5,
        timeZone: 'Asia/Seoul',
        opened: at('2026-11-30T23:00:00Z'),
        until: at('2026-12-01T09:00:00Z'),
      },
    ]);
  });

  it('cross midnight', () => {
    const night = schedule('0 22 * * *', '0 6 * * *');
    expect(scheduleState([night], at('2026-12-01T23:30:00Z')).open).toHaveLength(1);
    expect(scheduleState([night], at('2026-12-02T05:59:00Z')).open).toHaveLength(1);
    expect(scheduleState([night], at('2026-12-02T06:00:00Z')).open).toHaveLength(0);
    expect(iso(scheduleState([night], at('2026-12-02T06:00:00Z')).nextBoundaryAt)).toBe(
      '2026-12-02T22:00:00.000Z',
    );
  });

  it('close at the first end after the start, even when the end occurs more often', () => {
    // Opens on Mondays at 08:00, closes at the next 18:00: Tuesday is closed all day.
    const mondays = schedule('0 8 * * 1', '0 18 * * *');
    expect(scheduleState([mondays], at('2026-11-30T12:00:00Z')).open).toHaveLength(1);
    expect(scheduleState([mondays], at('2026-12-01T12:00:00Z')).open).toHaveLength(0);
  });

  it('follow daylight-saving changes: a skipped start opens at the end of the gap, a repeated one once', () => {
    // New York springs forward on 2026-03-08 at 02:00 (to 03:00 EDT): 02:30 does not exist.
    expect(iso(nextOccurrence('30 2 * * *', 'America/New_York', at('2026-03-08T05:00:00Z')))).toBe(
      '2026-03-08T07:00:00.000Z', // 03:00 EDT
    );
    // ... and falls back on 2026-11-01 at 02:00 (to 01:00 EST): 01:30 happens twice, opens once.
    expect(iso(nextOccurrence('30 1 * * *', 'America/New_York', at('2026-11-01T04:00:00Z')))).toBe(
      '2026-11-01T05:30:00.000Z',
    );
    expect(iso(nextOccurrence('30 1 * * *', 'America/New_York', at('2026-11-01T05:31:00Z')))).toBe(
      '2026-11-02T06:30:00.000Z',
    );
    // A 09:00-17:00 window keeps its local hours on both sides of the change.
    const day = schedule('0 9 * * *', '0 17 * * *', 'America/New_York');
    expect(windowsBetween(day, at('2026-03-07T00:00:00Z'), at('2026-03-09T00:00:00Z'))).toEqual([
      {
        name: 'w',
        minReplicas: 5,
        from: at('2026-03-07T14:00:00Z'),
        to: at('2026-03-07T22:00:00Z'),
      },
      {
        name: 'w',
        minReplicas: 5,
        from: at('2026-03-08T13:00:00Z'),
        to: at('2026-03-08T21:00:00Z'),
      },
    ]);
  });

  it('the latest occurrence at or before a time, and none for one that never occurs', () => {
    expect(iso(previousOccurrence('0 8 * * *', 'UTC', at('2026-12-01T08:00:00Z')))).toBe(
      '2026-12-01T08:00:00.000Z',
    );
    expect(iso(previousOccurrence('0 8 1 1 *', 'UTC', at('2026-12-01T08:00:00Z')))).toBe(
      '2026-01-01T08:00:00.000Z',
    );
    expect(nextOccurrence('0 0 30 2 *', 'UTC', at('2026-12-01T00:00:00Z'))).toBeUndefined();
  });

  it('list the windows over a range, the one open at its start included', () => {
    const hourly = schedule('0 * * * *', '15 * * * *');
    const windows = windowsBetween(hourly, at('2026-12-01T09:10:00Z'), at('2026-12-01T11:05:00Z'));
    expect(windows.map((w) => [iso(w.from), iso(w.to)])).toEqual([
      ['2026-12-01T09:00:00.000Z', '2026-12-01T09:15:00.000Z'],
      ['2026-12-01T10:00:00.000Z', '2026-12-01T10:15:00.000Z'],
      ['2026-12-01T11:00:00.000Z', '2026-12-01T11:15:00.000Z'],
    ]);
  });

  it('the next boundary of several schedules is the nearest one', () => {
    const state = scheduleState(
      [schedule('0 8 * * *', '0 18 * * *'), schedule('30 9 * * *', '0 10 * * *')],
      at('2026-12-01T09:00:00Z'),
    );
    expect(state.open.map((open) => iso(open.until))).toEqual(['2026-12-01T18:00:00.000Z']);
    expect(iso(state.nextBoundaryAt)).toBe('2026-12-01T09:30:00.000Z');
  });

  it('name what is wrong with a time zone or a cron expression', () => {
    expect(timeZoneProblem('Asia/Seoul')).toBeUndefined();
    expect(timeZoneProblem('Mars/Olympus')).toBe(
      '"Mars/Olympus" is not an IANA time zone name (such as Asia/Seoul, Europe/Berlin or UTC)',
    );
    const now = at('2026-12-01T00:00:00Z');
    expect(cronProblem('0 8 * * 1-5', 'UTC', now)).toBeUndefined();
    expect(cronProblem('0 8 * *', 'UTC', now)).toMatch(/must have 5 fields/);
    expect(cronProblem('0 0 8 * * *', 'UTC', now)).toMatch(/must have 5 fields/);
    expect(cronProblem('@daily', 'UTC', now)).toMatch(/must have 5 fields/);
    expect(cronProblem('61 8 * * *', 'UTC', now)).toBe(
      '"61 8 * * *" is not a cron expression: Field value (61) is out of range',
    );
    expect(cronProblem('0 0 30 2 *', 'UTC', now)).toBe('"0 0 30 2 *" never occurs');
  });
});
