import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Observable, Subject, Subscription } from 'rxjs';
import { Clock, Timer } from '../common/clock.js';
import type { AppConfig, ScalingPolicyConfig } from '../config/index.js';
import type { KiadaServiceCount } from '../kubernetes/kiada-service-count.js';
import { parseDecisionStamp, parsePause } from '../kubernetes/service-count-annotations.js';
import { ActiveUserCount, ActiveUsers } from './active-users.service.js';
import { Decision, decide, sameDecision } from './decision.js';
import { DecisionRecorder } from './decisions/decision-recorder.service.js';
import { observedDecisions } from './decisions/observed-decisions.js';
import { stampOf } from './resource-annotations.js';
import { ScaleDownStabilizer } from './scale-down-stabilizer.js';
import { Recommendation, recommend } from './scaling-policy.js';
import { ScalingResourceView } from './scaling-resource.view.js';
import { ScalingMetrics } from './scaling.metrics.js';
import { ServiceCountWriter, type WriterState } from './service-count.writer.js';

export interface ScalingState {
  /** Null until the first count. */
  activeUsers: number | null;
  /** What the tier policy gives for activeUsers, before stabilization. */
  recommendedReplicas: number | null;
  /** The stabilized value this process writes. */
  desiredReplicas: number | null;
  /** The latest decision of this process, null before the first count. */
  lastDecision: Decision | null;
  policy: ScalingPolicyConfig & { stabilizationSeconds: number };
  resource: { namespace: string; name: string } & WriterState;
}

/** How long start-up waits for the resource's current value (see `seedFromResource`). */
export const SEED_TIMEOUT_MS = 2_000;
/** While counting fails at the end of a window, look again this often. */
export const REEVALUATE_RETRY_MS = 1_000;

/**
 * The scaling pipeline: active users -> tier policy -> scale-down stabilization -> a
 * decision -> writer. Starts with the application (initial recount, then the first write
 * in the background) and stops with it.
 * - At start-up the resource's current value counts as a recommendation made then, so
 *   restarting or rolling the API does not cut short a scale-down window.
 * - A new decision is handed to the writer when it says something new (replicas, the
 *   recommendation or the reason changed); resyncs hand it again, so a value changed by
 *   hand is corrected within a resync period.
 * - While counting fails (database down) nothing new is decided: the last value holds,
 *   even past the end of a scale-down window, and the signal annotation stops being
 *   refreshed, which is how the operator learns the signal is lost.
 * - Pauses and fallbacks the operator reports in the resource's status are recorded as
 *   decisions too (once, whichever api replica sees them first).
 */
@Injectable()
export class ScalingService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ScalingService.name);
  private readonly scaling: AppConfig['scaling'];
  private readonly stabilizer: ScaleDownStabilizer;
  private readonly subscriptions: Subscription[] = [];
  /** Dedupe keys of operator decisions this process has recorded. */
  private readonly observed = new Set<string>();
  private reevaluation?: Timer;
  private activeUsers: number | null = null;
  private recommendation: Recommendation | null = null;
  private lastDecision: Decision | null = null;
  private readonly changed = new Subject<void>();

  constructor(
    private readonly counts: ActiveUsers,
    private readonly writer: ServiceCountWriter,
    private readonly view: ScalingResourceView,
    private readonly recorder: DecisionRecorder,
    config: ConfigService<AppConfig, true>,
    private readonly clock: Clock,
    private readonly metrics: ScalingMetrics,
  ) {
    this.scaling = config.get('scaling', { infer: true });
    this.stabilizer = new ScaleDownStabilizer(this.scaling.stabilizationSeconds * 1000);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.view.start();
    await this.seedFromResource();
    this.subscriptions.push(
      this.counts.counts$.subscribe((count) => this.onCount(count)),
      this.view.changes$.subscribe((resource) => resource && this.recordObserved(resource)),
    );
    await this.counts.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.subscriptions.forEach((subscription) => subscription.unsubscribe());
    this.changed.complete();
    this.reevaluation?.cancel();
    this.writer.stop();
    await this.counts.stop();
  }

  /** Emits after every evaluation (a count, the end of a window): `state` may have changed. */
  get changes$(): Observable<void> {
    return this.changed.asObservable();
  }

  get state(): ScalingState {
    const { namespace, resourceName, stabilizationSeconds, policy } = this.scaling;
    return {
      activeUsers: this.activeUsers,
      recommendedReplicas: this.recommendation?.replicas ?? null,
      desiredReplicas: this.lastDecision?.replicas ?? null,
      lastDecision: this.lastDecision,
      policy: { ...policy, tiers: policy.tiers.map((tier) => ({ ...tier })), stabilizationSeconds },
      resource: { namespace, name: resourceName, ...this.writer.state },
    };
  }

  /** A new count: refresh the signal, apply the policy and the window, decide. */
  onCount({ count, resync, at, countedAt }: ActiveUserCount): void {
    this.activeUsers = count;
    this.writer.refreshSignal(at);
    this.recommendation = recommend(count, this.scaling.policy);
    this.evaluate(resync, { countStartedAt: at, countedAt });
  }

  /** `timing`: when the count behind this evaluation ran (logged with a change of replicas). */
  private evaluate(resync: boolean, timing?: { countStartedAt: number; countedAt?: number }): void {
    const recommendation = this.recommendation;
    if (!recommendation) return;
    const now = this.clock.now();
    const stabilized = this.stabilizer.recommend(recommendation.replicas, now);
    const current = this.view.current();
    const decision = decide({
      at: now,
      recommendation,
      stabilized,
      holdUntil: this.stabilizer.nextChangeAt(now),
      windowSeconds: this.scaling.stabilizationSeconds,
      previousReplicas: current?.spec.kiadaServiceCount ?? this.lastDecision?.replicas ?? null,
      paused: parsePause(current?.metadata.annotations, now).paused,
    });
    const previous = this.lastDecision;
    const isNew = !previous || !sameDecision(stampOf(previous), stampOf(decision));
    if (isNew) {
      this.lastDecision = decision;
      this.metrics.desiredReplicas.set(decision.replicas);
      if (previous?.replicas !== decision.replicas) {
        // The timing fields feed the reaction benchmark's breakdown (bench/reaction-breakdown.ts).
        this.logger.log({
          msg: `Desired replicas ${previous?.replicas ?? '(none)'} -> ${decision.replicas}: ${decision.message}`,
          timing: { ...timing, decidedAt: decision.at, replicas: decision.replicas },
        });
      }
    }
    // A resync hands the decision again: the writer corrects a value changed by hand.
    if (isNew || resync) this.writer.desire(this.lastDecision!);
    this.scheduleReevaluation();
    this.changed.next();
  }

  /**
   * Reads the resource's current spec.kiadaServiceCount (waiting at most SEED_TIMEOUT_MS
   * for the view's first list; the writer retries anything that fails) and records it as a
   * recommendation made now, so a lower count only takes effect after a full window.
   */
  private async seedFromResource(): Promise<void> {
    await this.view.whenSynced(SEED_TIMEOUT_MS);
    const found = this.view.current();
    const replicas = found?.spec.kiadaServiceCount;
    if (typeof replicas === 'number' && Number.isInteger(replicas) && replicas >= 0) {
      this.stabilizer.recommend(replicas, this.clock.now());
    }
    const stamp = parseDecisionStamp(found?.metadata.annotations);
    if (found && stamp)
      this.logger.log(
        `The last decision on the resource: ${stamp.reason}, ${stamp.replicas} replicas`,
      );
  }

  /** While a higher value holds the window, come back when it leaves it. */
  private scheduleReevaluation(): void {
    this.reevaluation?.cancel();
    this.reevaluation = undefined;
    const now = this.clock.now();
    const at = this.stabilizer.nextChangeAt(now);
    if (at === undefined) return;
    this.reevaluation = this.clock.setTimeout(() => this.reevaluate(), at - now);
  }

  /** The window ended: decide again, unless counting fails (then look again shortly). */
  private reevaluate(): void {
    this.reevaluation = undefined;
    if (this.counts.healthy) {
      this.evaluate(false);
      return;
    }
    // The signal is lost: hold the last value, decide nothing new until counting works.
    this.logger.warn(
      'The scale-down window ended while the active users cannot be counted: holding the current replicas',
    );
    this.reevaluation = this.clock.setTimeout(() => this.reevaluate(), REEVALUATE_RETRY_MS);
  }

  private recordObserved(resource: KiadaServiceCount): void {
    for (const row of observedDecisions(resource, this.activeUsers)) {
      if (this.observed.has(row.dedupeKey!)) continue;
      this.observed.add(row.dedupeKey!);
      this.recorder.record(row);
    }
  }
}
