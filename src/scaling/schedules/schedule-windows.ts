import { CronTime } from 'cron';
import type { Schedule } from '../policy/scaling-policy.js';

/** A schedule's window that is open: its minimum applies until it closes. */
export interface OpenSchedule {
  name: string;
  minReplicas: number;
  timeZone: string;
  /** When it opened (epoch ms); undefined when no start was found in the last 4 years. */
  opened?: number;
  /** When it closes (epoch ms). */
  until: number;
}

export interface ScheduleState {
  /** The windows open at the time asked for, in the policy's order. */
  open: OpenSchedule[];
  /** The next time a window opens or closes (epoch ms): decide again then. */
  nextBoundaryAt?: number;
}

/** One window of a schedule, [from, to) in epoch ms. */
export interface ScheduleWindow {
  name: string;
  minReplicas: number;
  from: number;
  to: number;
}

/** How far back the latest occurrence is looked for: steps of 1 min x 8 up to about 4 years. */
const LOOK_BACK_MS = [1, 8, 64, 512, 4_096, 32_768, 262_144, 2_097_152].map((m) => m * 60_000);
/** At most this many windows per schedule and range (a cron that fires every minute). */
const MAX_WINDOWS = 500;

/**
 * The first occurrence of `expression` strictly after `after` (epoch ms), in `timeZone`;
 * undefined when it never occurs (e.g. "0 0 30 2 *"). The cron library (cron, through
 * @nestjs/schedule) does the calendar: a time skipped by a daylight-saving change fires at
 * the first instant after the gap, a repeated one fires once.
 */
export function nextOccurrence(
  expression: string,
  timeZone: string,
  after: number,
): number | undefined {
  try {
    return new CronTime(expression, timeZone).getNextDateFrom(new Date(after), timeZone).toMillis();
  } catch {
    return undefined;
  }
}

/** The latest occurrence at or before `at` within about 4 years, else undefined. */
export function previousOccurrence(
  expression: string,
  timeZone: string,
  at: number,
): number | undefined {
  for (const back of LOOK_BACK_MS) {
    let found = nextOccurrence(expression, timeZone, at - back - 1);
    if (found === undefined || found > at) continue;
    for (;;) {
      const next = nextOccurrence(expression, timeZone, found);
      if (next === undefined || next > at) return found;
      found = next;
    }
  }
  return undefined;
}

/**
 * Whether `schedule` is open at `at`: a window opens at each start time and closes at the
 * first end time after it opened, so it is open when the latest start is not older than
 * the latest end (a start and an end at the same time: it closes and opens again).
 */
function stateAt(
  schedule: Schedule,
  at: number,
): { opened?: number; next?: number; open: boolean } {
  const { start, end, timeZone } = schedule;
  const lastStart = previousOccurrence(start, timeZone, at);
  const lastEnd = previousOccurrence(end, timeZone, at);
  const open = lastStart !== undefined && (lastEnd === undefined || lastStart >= lastEnd);
  return {
    open,
    opened: open ? lastStart : undefined,
    next: nextOccurrence(open ? end : start, timeZone, at),
  };
}

/** The windows open at `at` and when the next one opens or closes (pure). */
export function scheduleState(schedules: readonly Schedule[], at: number): ScheduleState {
  const open: OpenSchedule[] = [];
  let nextBoundaryAt: number | undefined;
  for (const schedule of schedules) {
    const state = stateAt(schedule, at);
    if (state.next !== undefined && (nextBoundaryAt === undefined || state.next < nextBoundaryAt)) {
      nextBoundaryAt = state.next;
    }
    if (state.open && state.next !== undefined) {
      const { name, minReplicas, timeZone } = schedule;
      open.push({ name, minReplicas, timeZone, opened: state.opened, until: state.next });
    }
  }
  return { open, ...(nextBoundaryAt !== undefined ? { nextBoundaryAt } : {}) };
}

/** The windows of `schedule` that overlap [from, to] (epoch ms), oldest first (pure). */
export function windowsBetween(schedule: Schedule, from: number, to: number): ScheduleWindow[] {
  const { name, minReplicas, start, end, timeZone } = schedule;
  const windows: ScheduleWindow[] = [];
  const state = stateAt(schedule, from);
  let opened = state.open ? (state.opened ?? from) : undefined;
  let cursor = from;
  while (windows.length < MAX_WINDOWS) {
    if (opened === undefined) {
      const next = nextOccurrence(start, timeZone, cursor);
      if (next === undefined || next > to) break;
      opened = cursor = next;
      continue;
    }
    const closes = nextOccurrence(end, timeZone, cursor);
    if (closes === undefined) break;
    windows.push({ name, minReplicas, from: opened, to: closes });
    if (closes > to) break;
    // An end that is also a start reopens at once.
    const reopens = nextOccurrence(start, timeZone, closes - 1) === closes;
    opened = reopens ? closes : undefined;
    cursor = closes;
  }
  return windows;
}

/** Why `timeZone` cannot be used, or undefined when it is an IANA time zone name. */
export function timeZoneProblem(timeZone: string): string | undefined {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    new CronTime('0 0 * * *', timeZone);
    return undefined;
  } catch {
    return `"${timeZone}" is not an IANA time zone name (such as Asia/Seoul, Europe/Berlin or UTC)`;
  }
}

/** Why `expression` is not a 5-field cron expression that occurs, or undefined (`timeZone` valid). */
export function cronProblem(expression: string, timeZone: string, now: number): string | undefined {
  const fields = expression
    .trim()
    .split(/\s+/)
    .filter((field) => field.length > 0);
  if (fields.length !== 5) {
    return `"${expression}" must have 5 fields (minute hour day-of-month month day-of-week), such as "0 8 * * 1-5"`;
  }
  try {
    new CronTime(expression, timeZone);
  } catch (error) {
    return `"${expression}" is not a cron expression: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (nextOccurrence(expression, timeZone, now) === undefined) {
    return `"${expression}" never occurs`;
  }
  return undefined;
}
