import type { ScalingPolicy } from '../policy/scaling-policy.js';
import type { OpenSchedule } from '../schedules/schedule-windows.js';

/**
 * A reason code as every consumer shows it: the Event reason and the decision's `reason`
 * (`code`), what it means in one line (`description`: docs/scaling.md, /scaling/status) and
 * a short label (the dashboard).
 */
export interface ReasonDeclaration<Code extends string = string> {
  code: Code;
  description: string;
  label: string;
}

/** The users range a tier or a step covers: fromUsers <= count < belowUsers. */
export interface UsersRange {
  fromUsers: number;
  belowUsers: number;
}

/** The active users expected `lookaheadSeconds` ahead (forecast/users-forecast.ts). */
export interface UsersForecast {
  expectedUsers: number;
  /** Net change of the active users per minute over the window (may be negative). */
  usersPerMinute: number;
  lookaheadSeconds: number;
  windowSeconds: number;
}

/** Everything a rule may look at. Rules are pure: the same input gives the same step. */
export interface RuleInput {
  /** Epoch ms. */
  at: number;
  activeUsers: number;
  policy: ScalingPolicy;
  /** The schedules' windows open at `at`. */
  openSchedules: readonly OpenSchedule[];
  /** Null when the policy has no forecast or there is no rate yet. */
  forecast: UsersForecast | null;
  /**
   * The scale-down window: the highest value it holds against `recommended` and until when
   * (no `until`: it holds nothing above `recommended`). A query, it changes nothing.
   */
  scaleDownWindow(recommended: number): { replicas: number; until?: number };
  /** The answer of the rules before this one for another count (the forecast's). */
  answerFor(activeUsers: number): number;
}

/** What one rule changed: the trace of a decision is the list of these. */
export interface Step {
  /** The rule's name. */
  rule: string;
  /** The rule's reason code for this step. */
  reason: string;
  /** The replicas after this step. */
  replicas: number;
  /** What the rule did, in a few words: "tier 2 -> 3", "schedule office-hours min 5 until 18:00 Asia/Seoul". */
  note: string;
  /** The tier (index) or the steps past the last tier, and the users range it covers. */
  match?: { index: number; range: UsersRange };
  /** Until when the step holds, epoch ms (a schedule's window, the scale-down hold). */
  until?: number;
}

/**
 * One rule of the policy: a pure function from the answer so far (null before the first
 * rule that gives one) to a step, or null when it changes nothing. `stage`: `recommend`
 * rules make the recommendation, which the scale-down window records; `stabilize` rules
 * hold it back.
 */
export interface ScalingRule<Name extends string = string, Code extends string = string> {
  name: Name;
  stage: 'recommend' | 'stabilize';
  reasons: readonly ReasonDeclaration<Code>[];
  evaluate(replicas: number | null, input: RuleInput): (Step & { reason: Code }) | null;
}

const integer = new Intl.NumberFormat('en-US');
/** "1,000". */
export const formatUsers = (count: number) => integer.format(Math.round(count));

/** "18:00" in `timeZone`. */
export function clockTime(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}

/** A rule, its name and reason codes kept as literal types (for the unions derived from them). */
export function defineRule<Name extends string, Code extends string>(
  rule: ScalingRule<Name, Code>,
): ScalingRule<Name, Code> {
  return rule;
}
