import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { millisecondsTransformer } from '../../database/milliseconds.transformer.js';

/** One fixed rate-limit window (migration CreateAuthThrottle). Read and written with SQL. */
@Entity({ name: 'auth_rate_limits' })
@Index('IDX_auth_rate_limits_reset_at', ['resetAt'])
export class AuthRateLimitRow {
  /** SHA-256 hex of the window's key (route + client IP, or route + username). */
  @PrimaryColumn({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash: string;

  @Column({ type: 'integer' })
  hits: number;

  /** Epoch ms when the window ends. */
  @Column({ name: 'reset_at', type: 'bigint', transformer: millisecondsTransformer })
  resetAt: number;
}

/** Consecutive failed logins of one (username, client address) (migration CreateAuthThrottle). */
@Entity({ name: 'login_failures' })
@Index('IDX_login_failures_last_failure_at', ['lastFailureAt'])
export class LoginFailureRow {
  /** SHA-256 hex of (lower-cased username, client address). */
  @PrimaryColumn({ name: 'key_hash', type: 'varchar', length: 64 })
  keyHash: string;

  @Column({ type: 'integer' })
  failures: number;

  @Column({ name: 'last_failure_at', type: 'bigint', transformer: millisecondsTransformer })
  lastFailureAt: number;

  /** Epoch ms until which logins of this (username, address) are refused (0: not locked). */
  @Column({ name: 'locked_until', type: 'bigint', transformer: millisecondsTransformer })
  lockedUntil: number;
}
