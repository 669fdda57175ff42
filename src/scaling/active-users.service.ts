import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Observable, Subject, Subscription } from 'rxjs';
import { AuthEvents } from '../auth/auth-events.js';
import { ActiveUserCountSource } from '../auth/session/active-user-count.source.js';
import type { AppConfig } from '../config/index.js';
import { Clock, Timer } from '../common/clock.js';
import { ScalingMetrics } from './scaling.metrics.js';

/** How the count was obtained: the kept count, after sweeping expired sessions, or a full recount. */
export type CountKind = 'read' | 'sweep' | 'recount';

export interface ActiveUserCount {
  count: number;
  kind: CountKind;
  /** Epoch ms. */
  at: number;
}

/** Every resync period sweeps expired sessions; every RECOUNT_EVERY-th period recounts in full instead. */
export const RECOUNT_EVERY = 10;
export const RESYNC_INTERVAL_NAME = 'scaling-active-users-resync';

/**
 * The number of active users, kept current cheaply:
 * - auth events (signup, login, logout) request a read of the kept count; requests within
 *   SCALING_COALESCE_MS become one read, at most one operation runs at a time, and events
 *   arriving during one schedule exactly one follow-up;
 * - every SCALING_RESYNC_SECONDS a resync sweeps silently expired sessions
 *   (`sweepExpired`, cost follows the expirations), and every RECOUNT_EVERY-th resync
 *   (default: every 5 minutes) recounts from the sessions table (`recount`) to repair drift.
 * Counts are published on `counts$`. Failures are logged; the next event or resync retries.
 */
@Injectable()
export class ActiveUsers {
  private readonly logger = new Logger(ActiveUsers.name);
  private readonly subject = new Subject<ActiveUserCount>();
  private readonly coalesceMs: number;
  private readonly resyncMs: number;
  private subscription?: Subscription;
  private timer?: Timer;
  private readPending = false;
  private resyncPending?: 'sweep' | 'recount';
  private inFlight?: Promise<void>;
  private resyncs = 0;
  private running = false;

  constructor(
    private readonly source: ActiveUserCountSource,
    private readonly authEvents: AuthEvents,
    config: ConfigService<AppConfig, true>,
    private readonly clock: Clock,
    private readonly schedulerRegistry: SchedulerRegistry,
    private readonly metrics: ScalingMetrics,
  ) {
    const scaling = config.get('scaling', { infer: true });
    this.coalesceMs = scaling.coalesceMs;
    this.resyncMs = scaling.resyncSeconds * 1000;
  }

  get counts$(): Observable<ActiveUserCount> {
    return this.subject.asObservable();
  }

  /** Recounts once (awaited), then follows auth events and resyncs periodically. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.resyncPending = 'recount';
    this.pump();
    await this.inFlight;
    this.subscription = this.authEvents.events$.subscribe(() => this.requestRead());
    const interval = setInterval(() => this.resync(), this.resyncMs);
    interval.unref();
    this.schedulerRegistry.addInterval(RESYNC_INTERVAL_NAME, interval);
  }

  /** Stops listening and resyncing; waits for a running query to finish. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    this.timer?.cancel();
    this.timer = undefined;
    if (this.schedulerRegistry.doesExist('interval', RESYNC_INTERVAL_NAME)) {
      this.schedulerRegistry.deleteInterval(RESYNC_INTERVAL_NAME);
    }
    await this.inFlight;
  }

  /** An auth event happened: the count may have changed. Coalesced (see the class comment). */
  requestRead(): void {
    if (!this.running) return;
    this.readPending = true;
    if (!this.inFlight && !this.timer) {
      this.timer = this.clock.setTimeout(() => this.pump(), this.coalesceMs);
    }
  }

  /** One resync period: a sweep, or a full recount every RECOUNT_EVERY-th period. */
  resync(): void {
    if (!this.running) return;
    this.resyncs += 1;
    const full = this.resyncs % RECOUNT_EVERY === 0 || this.resyncPending === 'recount';
    this.resyncPending = full ? 'recount' : 'sweep';
    if (!this.inFlight) this.pump();
  }

  private pump(): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (this.inFlight || !this.running) return;
    let kind: CountKind;
    if (this.resyncPending) {
      kind = this.resyncPending;
      this.resyncPending = undefined;
      // A sweep or recount returns the current count: it answers earlier events too.
      this.readPending = false;
    } else if (this.readPending) {
      kind = 'read';
      this.readPending = false;
    } else {
      return;
    }
    this.inFlight = this.run(kind).finally(() => {
      this.inFlight = undefined;
      if (this.resyncPending) this.pump();
      else if (this.readPending && this.running) {
        this.timer = this.clock.setTimeout(() => this.pump(), this.coalesceMs);
      }
    });
  }

  private async run(kind: CountKind): Promise<void> {
    const now = this.clock.now();
    const endTimer = this.metrics.recountDuration.startTimer({ kind });
    try {
      const count =
        kind === 'recount'
          ? await this.source.recount(now)
          : kind === 'sweep'
            ? await this.source.sweepExpired(now)
            : await this.source.read();
      endTimer();
      this.metrics.activeUsers.set(count);
      this.subject.next({ count, kind, at: now });
    } catch (error) {
      this.logger.warn(
        `Could not ${kind === 'read' ? 'read' : kind} the active-user count (retried on the next auth event or resync): ` +
          (error instanceof Error ? error.message : String(error)),
      );
    }
  }
}
