import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Observable, Subject, Subscription } from 'rxjs';
import { Clock, type Timer } from '../common/clock.js';
import { errorMessage } from '../common/error-message.js';
import { FailureStreak } from '../common/failure-streak.js';
import { WorkQueue } from '../common/work-queue.js';
import type { AppConfig } from '../config/index.js';
import { ActiveUserCountSource } from '../sessions/active-user-count.source.js';
import type { MaintenanceJob } from '../sessions/count-maintenance.js';
import { AuthEvents } from '../sessions/auth-events.js';
import { ScalingMetrics } from './scaling.metrics.js';

/** How the count was obtained: the kept count, after sweeping expired sessions, or a full recount. */
export type CountKind = 'read' | 'sweep' | 'recount';

export interface ActiveUserCount {
  count: number;
  kind: CountKind;
  /**
   * True for the start-up count and every resync period's, whichever job this replica ran
   * (a replica that claimed neither sweep nor recount reads): decisions are handed again.
   */
  resync: boolean;
  /** Epoch ms: when the operation started (sweeps and recounts compare expiries with it). */
  at: number;
  /** Epoch ms: when it returned (the reaction benchmark's breakdown reads it from the log). */
  countedAt?: number;
}

/** Every resync period one replica sweeps; every RECOUNT_EVERY-th period one recounts instead. */
export const RECOUNT_EVERY = 10;
/** A failed count is tried again after 1 s, doubling up to 30 s (or at the next event). */
export const COUNT_RETRY_BACKOFF = { initialMs: 1_000, maxMs: 30_000 };
/** The work queue's one key: there is one count. */
const COUNT = 'count';

/**
 * The number of active users, kept current cheaply, as a work queue with one key:
 * - auth events (signup, login, logout) request a read of the kept count: the first after a
 *   quiet spell at once (leading edge), later ones within SCALING_COALESCE_MS as one more
 *   read at the end of the window (trailing edge, `addAfter`); one operation runs at a
 *   time, and events arriving during one make exactly one follow-up;
 * - every SCALING_RESYNC_SECONDS a resync asks the database which upkeep this replica is
 *   to do (`claimMaintenance`): across all api replicas one sweeps silently expired
 *   sessions per period (`sweepExpired`, cost follows the expirations), and one recounts
 *   from the sessions table (`recount`, no locks) every RECOUNT_EVERY-th period (default:
 *   every 5 minutes); the others read the kept count. At start-up each replica recounts once.
 *   A sweep or recount returns the current count, so it answers pending events too.
 * Counts are published on `counts$`. A failure is logged sparingly and retried with
 * backoff (or sooner, at the next event): a sweep or recount this replica claimed stays
 * its own to retry.
 */
@Injectable()
export class ActiveUsers {
  private readonly logger = new Logger(ActiveUsers.name);
  private readonly subject = new Subject<ActiveUserCount>();
  private readonly coalesceMs: number;
  private readonly resyncMs: number;
  private readonly queue: WorkQueue;
  private readonly failures = new FailureStreak(this.logger, 'Counting active users');
  private subscription?: Subscription;
  private resyncTimer?: Timer;
  private readPending = false;
  /** A resync to run: the start-up recount, a period's upkeep to claim, or a claimed job. */
  private resyncPending?: 'start' | 'resync' | MaintenanceJob;
  private running = false;
  /** When the latest auth event asked for a read (epoch ms). */
  private lastEventAt?: number;

  constructor(
    private readonly source: ActiveUserCountSource,
    private readonly authEvents: AuthEvents,
    config: ConfigService<AppConfig, true>,
    private readonly clock: Clock,
    private readonly metrics: ScalingMetrics,
  ) {
    const scaling = config.get('scaling', { infer: true });
    this.coalesceMs = scaling.coalesceMs;
    this.resyncMs = scaling.resyncSeconds * 1000;
    this.queue = new WorkQueue(() => this.countNow(), clock, { backoff: COUNT_RETRY_BACKOFF });
  }

  get counts$(): Observable<ActiveUserCount> {
    return this.subject.asObservable();
  }

  /** False while counting fails (the database is unreachable): the signal is lost. */
  get healthy(): boolean {
    return this.failures.count === 0;
  }

  /** Recounts once (awaited), then follows auth events and resyncs periodically. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.resyncPending = 'start';
    this.queue.add(COUNT);
    await this.queue.idle();
    this.subscription = this.authEvents.events$.subscribe(() => this.requestRead());
    this.resyncTimer = this.clock.setInterval(() => this.resync(), this.resyncMs);
  }

  /** Stops listening and resyncing; waits for a running query to finish. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.resyncTimer?.cancel();
    this.resyncTimer = undefined;
    await this.queue.shutDown();
  }

  /**
   * An auth event happened: the count may have changed. The first event after a quiet spell
   * (none within SCALING_COALESCE_MS) reads at once (leading edge); later ones within the
   * window become one more read at its end (trailing edge): a burst costs two reads.
   */
  requestRead(): void {
    if (!this.running) return;
    this.readPending = true;
    const now = this.clock.now();
    const quiet = this.lastEventAt === undefined || now - this.lastEventAt >= this.coalesceMs;
    this.lastEventAt = now;
    if (quiet) this.queue.add(COUNT);
    else this.queue.addAfter(COUNT, this.coalesceMs);
  }

  /** One resync period: the sweep or the recount if this replica claims it, else a read. */
  resync(): void {
    if (!this.running) return;
    this.resyncPending ??= 'resync';
    this.queue.add(COUNT);
  }

  /** The queue's handler: the most thorough operation pending, once. */
  private async countNow(): Promise<void> {
    const pending = this.resyncPending ?? (this.readPending ? 'read' : undefined);
    if (!pending) return; // a delayed add after a resync already answered it
    this.resyncPending = undefined;
    this.readPending = false;
    const now = this.clock.now();
    let kind: CountKind | undefined;
    try {
      // A read starts at once (no await before it): the leading edge of a burst.
      kind = pending === 'start' || pending === 'resync' ? await this.claim(pending, now) : pending;
      const endTimer = this.metrics.recountDuration.startTimer({ kind });
      const count =
        kind === 'recount'
          ? await this.source.recount(now)
          : kind === 'sweep'
            ? await this.source.sweepExpired(now)
            : await this.source.read();
      endTimer();
      this.failures.succeeded();
      this.metrics.activeUsers.set(count);
      const resync = pending !== 'read';
      this.subject.next({ count, kind, resync, at: now, countedAt: this.clock.now() });
    } catch (error) {
      // Keep what failed pending, so the retry does it again (a claimed job without claiming).
      if (pending === 'read') this.readPending = true;
      else this.resyncPending ??= kind === 'read' || kind === undefined ? pending : kind;
      const what = kind ? `${kind} the active-user count` : "claim this period's sweep or recount";
      this.failures.failed(
        `Could not ${what} (retried with backoff, or at the next auth event): ${errorMessage(error)}`,
      );
      throw error;
    }
  }

  /** At start-up a recount; in a resync period the job this replica claims, else a read. */
  private async claim(pending: 'start' | 'resync', now: number): Promise<CountKind> {
    const schedule = { sweepEveryMs: this.resyncMs, recountEveryMs: this.resyncMs * RECOUNT_EVERY };
    // The start-up recount claims its period too, so no replica recounts again right after.
    const job = await this.source.claimMaintenance(now, schedule);
    return pending === 'start' ? 'recount' : (job ?? 'read');
  }
}
