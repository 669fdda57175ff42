import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import { Clock } from '../../common/clock.js';
import { errorMessage } from '../../common/error-message.js';
import { FailureStreak } from '../../common/failure-streak.js';
import { WorkQueue } from '../../common/work-queue.js';
import { KSC_API_VERSION, KSC_KIND } from '../../kubernetes/kiada-service-count.js';
import { EventApi } from '../../kubernetes/ports/event.api.js';
import { ScalingMetrics } from '../scaling.metrics.js';
import { DecisionRepository, NewScalingDecision } from './decision.repository.js';

/** Decisions kept in memory while the database is unreachable; past it the oldest go. */
export const MAX_PENDING_DECISIONS = 10_000;
/** Storing is retried after 1 s, doubling up to 30 s. */
const STORE_BACKOFF = { initialMs: 1_000, maxMs: 30_000 };
const STORE = 'store';

/**
 * Records decisions: a row in `scaling_decisions` (shared by every api replica, kept
 * across restarts), a Kubernetes Event on the KiadaServiceCount with the reason code (so
 * `kubectl describe ksc` shows why) and a metric.
 * Never slows or fails its caller: rows are stored in the background, in order, and kept
 * and retried while the database is unreachable (the outage is logged, and a decision is
 * only dropped, with a warning, past MAX_PENDING_DECISIONS).
 */
@Injectable()
export class DecisionRecorder implements OnModuleDestroy {
  private readonly logger = new Logger(DecisionRecorder.name);
  private readonly queue: WorkQueue;
  private readonly failures = new FailureStreak(this.logger, 'Storing scaling decisions');
  private pending: NewScalingDecision[] = [];
  private readonly recorded = new Subject<NewScalingDecision>();

  constructor(
    private readonly repository: DecisionRepository,
    private readonly events: EventApi,
    private readonly metrics: ScalingMetrics,
    clock: Clock,
  ) {
    this.queue = new WorkQueue(() => this.store(), clock, { backoff: STORE_BACKOFF });
  }

  /**
   * Records `row`; with `event`, also as a Kubernetes Event about the row's resource (`uid`:
   * the resource's, when known). The operator records its own Events for what it observed,
   * so decisions learned from it pass none.
   */
  record(row: NewScalingDecision, event?: { uid?: string }): void {
    this.metrics.decisions.inc({ reason: row.reason });
    this.pending.push(row);
    if (this.pending.length > MAX_PENDING_DECISIONS) {
      const dropped = this.pending.shift()!;
      this.logger.warn(
        `More than ${MAX_PENDING_DECISIONS} decisions wait for the database: dropped the oldest (${dropped.reason} at ${new Date(dropped.at).toISOString()})`,
      );
    }
    this.metrics.decisionsPending.set(this.pending.length);
    if (!this.queue.isScheduled(STORE)) this.queue.add(STORE);
    this.recorded.next(row);
    if (event) void this.recordEvent(row, event.uid);
  }

  /** Every decision as it is recorded, before it is stored (the dashboard's live stream). */
  get recorded$(): Observable<NewScalingDecision> {
    return this.recorded.asObservable();
  }

  /** Settles when nothing is being stored (tests, shutdown); retries may still be scheduled. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  async onModuleDestroy(): Promise<void> {
    this.recorded.complete();
    await this.queue.shutDown();
    if (this.pending.length) {
      this.logger.warn(
        `${this.pending.length} decision(s) not stored at shutdown (database unreachable)`,
      );
    }
  }

  /** The queue's handler: stores every pending decision, oldest first. */
  private async store(): Promise<void> {
    while (this.pending.length > 0) {
      try {
        await this.repository.insert(this.pending[0]);
      } catch (error) {
        this.failures.failed(
          `Could not store ${this.pending.length} scaling decision(s), retrying with backoff: ${errorMessage(error)}`,
        );
        throw error;
      }
      this.pending.shift();
      this.metrics.decisionsPending.set(this.pending.length);
    }
    this.failures.succeeded();
  }

  private async recordEvent(row: NewScalingDecision, uid: string | undefined): Promise<void> {
    try {
      await this.events.recordEvent({
        namespace: row.namespace,
        involvedObject: {
          apiVersion: KSC_API_VERSION,
          kind: KSC_KIND,
          name: row.name,
          namespace: row.namespace,
          ...(uid ? { uid } : {}),
        },
        type: 'Normal',
        reason: row.reason,
        message: row.message,
      });
    } catch (error) {
      this.logger.warn(`Could not record the ${row.reason} event: ${errorMessage(error)}`);
    }
  }
}
