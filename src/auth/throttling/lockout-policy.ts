/** AUTH_LOCKOUT_*: see AppConfig.auth.lockout. */
export interface LockoutPolicy {
  threshold: number;
  baseSeconds: number;
  maxSeconds: number;
}

/** A streak of failures is forgotten after a day without one. */
export const LOCKOUT_FORGET_MS = 24 * 60 * 60_000;

/**
 * How long the `failures`-th consecutive failed login of one (username, address) locks it:
 * nothing below the threshold, then baseSeconds doubling per further failure, capped at
 * maxSeconds (threshold 5, base 1, max 900: 1 s, 2 s, 4 s, ... 512 s, then 900 s). Pure.
 */
export function lockoutMs(failures: number, policy: LockoutPolicy): number {
  if (policy.threshold === 0 || failures < policy.threshold) return 0;
  // 2^20 already exceeds any cap (maxSeconds <= 86,400): no overflow to Infinity.
  const doublings = Math.min(failures - policy.threshold, 20);
  return Math.min(policy.baseSeconds * 2 ** doublings, policy.maxSeconds) * 1000;
}
