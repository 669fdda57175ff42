import type { Forecast } from '../policy/scaling-policy.js';
import type { UsersForecast } from '../rules/scaling-rule.js';

/** One count of the active users. */
export interface CountSample {
  /** Epoch ms. */
  at: number;
  count: number;
}

/** Counts closer together than this share one sample (the forecast needs no finer rate). */
const SAMPLE_MS = 1_000;
/** A rate over less than this is noise: no forecast yet. */
const MIN_SPAN_MS = 1_000;

/**
 * The active-user counts of the last window, at most one per second: what the forecast
 * reads the net rate of sessions started minus ended from. Bounded: one window plus the
 * sample in force at its start.
 */
export class CountHistory {
  private samples: CountSample[] = [];

  add(at: number, count: number, keepMs: number): void {
    const last = this.samples[this.samples.length - 1];
    if (last && at - last.at < SAMPLE_MS) last.count = count;
    else this.samples.push({ at, count });
    // Keep the newest sample at or before the window's start: the count in force then.
    let drop = 0;
    while (drop + 1 < this.samples.length && this.samples[drop + 1].at <= at - keepMs) drop += 1;
    if (drop > 0) this.samples.splice(0, drop);
  }

  get all(): readonly CountSample[] {
    return this.samples;
  }

  get size(): number {
    return this.samples.length;
  }
}

/**
 * The active users expected `lookaheadSeconds` after `now` (pure): the count now plus the
 * net rate over the last `windowSeconds` (or since the first sample, when the history is
 * shorter) times the lookahead; linear, and never below the count now. The count's change
 * is sessions started minus sessions ended (log-outs and expiries), counted per user: a
 * second session of an active user starts no active user. Null without a rate yet.
 */
export function usersForecast(
  samples: readonly CountSample[],
  now: number,
  activeUsers: number,
  { lookaheadSeconds, windowSeconds }: Forecast,
): UsersForecast | null {
  if (samples.length === 0) return null;
  const windowStart = now - windowSeconds * 1000;
  let base = samples[0];
  for (const sample of samples) {
    if (sample.at > windowStart) break;
    base = sample;
  }
  const since = Math.max(base.at, windowStart);
  const span = now - since;
  if (span < MIN_SPAN_MS) return null;
  const perMs = (activeUsers - base.count) / span;
  return {
    expectedUsers: Math.max(activeUsers, Math.round(activeUsers + perMs * lookaheadSeconds * 1000)),
    usersPerMinute: perMs * 60_000,
    lookaheadSeconds,
    windowSeconds,
  };
}
