import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Observable, Subject, Subscription } from 'rxjs';
import { Clock, Timer } from '../common/clock.js';
import type { AppConfig } from '../config/index.js';
import type { KiadaServiceCount, PolicySource } from '../kubernetes/kiada-service-count.js';
import { parseDecisionStamp, parsePause } from '../kubernetes/service-count-annotations.js';
import { ActiveUserCount, ActiveUsers } from './active-users.service.js';
import { Decision, decide, repeats } from './decision.js';
import { DecisionRecorder } from './decisions/decision-recorder.service.js';
import { observedDecisions } from './decisions/observed-decisions.js';
import { CountHistory, usersForecast } from './forecast/users-forecast.js';
import { PolicyTracker } from './policy/policy-tracker.js';
import type { ScalingPolicy } from './policy/scaling-policy.js';
import { MAX_FORECAST_SECONDS } from './policy/resolve-policy.js';
import { applyRules } from './rules/scaling-rules.js';
import { ScaleDownStabilizer } from './scale-down-stabilizer.js';
import { ScalingResourceView } from './scaling-resource.view.js';
import { ScalingMetrics } from './scaling.metrics.js';
import type { OpenSchedule } from './schedules/schedule-windows.js';
import { ServiceCountWriter, type WriterState } from './service-count.writer.js';

export interface ScalingState {
  /** Null until the first count. */
  activeUsers: number | null;
  /** What the rules recommend for activeUsers, before the scale-down window. */
  recommendedReplicas: number | null;
  /** The stabilized value this process writes. */
  desiredReplicas: number | null;
  /** The latest decision of this process, null before the first count. */
  lastDecision: Decision | null;
  /** The policy in force, where it comes from, and what is wrong with spec.policy, if anything. */
  policy: ScalingPolicy & { source: PolicySource; invalid: string | null };
  /** The schedules' windows open now. */
  openSchedules: OpenSchedule[];
  resource: { namespace: string; name: string } & WriterState;
}

/** How long start-up waits for the resource's current value (see `seedFromResource`). */
export const SEED_TIMEOUT_MS = 2_000;
/** While counting fails at the end of a window, look again this often. */
export const REEVALUATE_RETRY_MS = 1_000;
/** The longest timer armed at once (a far boundary is reached in several); below setTimeout's limit. */
export const MAX_TIMER_MS = 24 * 3_600_000;

/**
 * The scaling pipeline: active users -> the policy's rules (rules/scaling-rules.ts) -> a
 * decision -> writer. Starts with the application (initial recount, then the first write
 * in the background) and stops with it.
 * - The policy comes from the resource (spec.policy over SCALING_*, PolicyTracker); a change
 *   is decided at once (PolicyChanged), an invalid one is reported and not used.
 * - At start-up the resource's current value counts as a recommendation made then, so
 *   restarting or rolling the API does not cut short a scale-down window.
 * - Besides counts, it decides again when the scale-down window lets a value fall and when
 *   a schedule's window opens or closes: one timer on the injected clock, at the earliest.
 * - A new decision is handed to the writer when it says something new (replicas, the
 *   recommendation or the reason changed); resyncs hand it again, so a value changed by
 *   hand is corrected within a resync period.
 * - While counting fails (database down) nothing new is decided: the last value holds,
 *   and the signal annotation stops being refreshed (the operator's fallback).
 * - Pauses and fallbacks the operator reports in the resource's status are recorded as
 *   decisions too (once, whichever api replica sees them first).
 */
@Injectable()
export class ScalingService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ScalingService.name);
  private readonly scaling: AppConfig['scaling'];
  private readonly policies: PolicyTracker;
  private readonly stabilizer = new ScaleDownStabilizer();
  private readonly history = new CountHistory();
  private readonly subscriptions: Subscription[] = [];
  /** Dedupe keys of operator decisions this process has recorded. */
  private readonly observed = new Set<string>();
  private reevaluation?: Timer;
  private activeUsers: number | null = null;
  private recommended: number | null = null;
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
    this.policies = new PolicyTracker(this.scaling, clock, this.logger);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.view.start();
    await this.seedFromResource();
    this.subscriptions.push(
      this.counts.counts$.subscribe((count) => this.onCount(count)),
      this.view.changes$.subscribe((resource) => this.onResource(resource)),
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

  /** Emits after every evaluation (a count, a boundary, a policy change): `state` may have changed. */
  get changes$(): Observable<void> {
    return this.changed.asObservable();
  }

  get state(): ScalingState {
    const { namespace, resourceName } = this.scaling;
    const { policy, source, verdict } = this.policies.reading;
    return {
      activeUsers: this.activeUsers,
      recommendedReplicas: this.recommended,
      desiredReplicas: this.lastDecision?.replicas ?? null,
      lastDecision: this.lastDecision,
      policy: {
        ...structuredClone(policy),
        source,
        invalid: verdict.valid ? null : verdict.message!,
      },
      openSchedules: this.policies.openSchedules(this.clock.now()),
      resource: { namespace, name: resourceName, ...this.writer.state },
    };
  }

  /** A new count: refresh the signal, keep it for the forecast, decide. */
  onCount({ count, resync, at, countedAt }: ActiveUserCount): void {
    this.activeUsers = count;
    this.history.add(at, count, MAX_FORECAST_SECONDS * 1000);
    this.writer.refreshSignal(at);
    this.evaluate(resync, { countStartedAt: at, countedAt });
  }

  /** The resource changed (or is gone): the operator's reports, and the policy in it. */
  private onResource(resource: KiadaServiceCount | null): void {
    if (resource) this.recordObserved(resource);
    const change = this.policies.read(resource ?? undefined);
    if (resource) this.writer.desirePolicy(this.policies.reading.verdict);
    if (change) this.evaluate(false, undefined, change);
  }

  /**
   * Applies the rules and decides. `timing`: when the count behind this evaluation ran
   * (logged with a change of replicas); `policyChanged`: the policy's new source.
   */
  private evaluate(
    resync: boolean,
    timing?: { countStartedAt: number; countedAt?: number },
    policyChanged?: PolicySource,
  ): void {
    const activeUsers = this.activeUsers;
    if (activeUsers === null) return;
    const now = this.clock.now();
    const { policy } = this.policies.reading;
    const windowMs = policy.stabilizationSeconds * 1000;
    const outcome = applyRules({
      at: now,
      activeUsers,
      policy,
      openSchedules: this.policies.openSchedules(now),
      forecast:
        policy.forecast && usersForecast(this.history.all, now, activeUsers, policy.forecast),
      scaleDownWindow: (recommended) => this.stabilizer.preview(recommended, now, windowMs),
    });
    this.stabilizer.recommend(outcome.recommended, now, windowMs);
    this.recommended = outcome.recommended;
    const current = this.view.current();
    const decision = decide({
      at: now,
      activeUsers,
      outcome,
      policy,
      previousReplicas: current?.spec.kiadaServiceCount ?? this.lastDecision?.replicas ?? null,
      paused: parsePause(current?.metadata.annotations, now).paused,
      policyChanged,
    });
    const previous = this.lastDecision;
    const isNew = !previous || !repeats(previous, decision);
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
    this.scheduleReevaluation(now);
    this.changed.next();
  }

  /**
   * Reads the resource (waiting at most SEED_TIMEOUT_MS for the view's first list; the
   * writer retries anything that fails): its policy, and its spec.kiadaServiceCount as a
   * recommendation made now, so a lower count only takes effect after a full window.
   */
  private async seedFromResource(): Promise<void> {
    await this.view.whenSynced(SEED_TIMEOUT_MS);
    const found = this.view.current();
    this.policies.read(found);
    if (found) this.writer.desirePolicy(this.policies.reading.verdict);
    const replicas = found?.spec.kiadaServiceCount;
    if (typeof replicas === 'number' && Number.isInteger(replicas) && replicas >= 0) {
      const windowMs = this.policies.reading.policy.stabilizationSeconds * 1000;
      this.stabilizer.recommend(replicas, this.clock.now(), windowMs);
    }
    const stamp = parseDecisionStamp(found?.metadata.annotations);
    if (found && stamp)
      this.logger.log(
        `The last decision on the resource: ${stamp.reason}, ${stamp.replicas} replicas`,
      );
  }

  /** Come back when the scale-down window lets a value fall or a schedule's window opens or closes. */
  private scheduleReevaluation(now: number): void {
    this.reevaluation?.cancel();
    this.reevaluation = undefined;
    const windowMs = this.policies.reading.policy.stabilizationSeconds * 1000;
    const times = [
      this.stabilizer.nextChangeAt(now, windowMs),
      this.policies.nextBoundaryAt(now),
    ].filter((time): time is number => time !== undefined);
    if (times.length === 0) return;
    const delay = Math.min(Math.max(0, Math.min(...times) - now), MAX_TIMER_MS);
    this.reevaluation = this.clock.setTimeout(() => this.reevaluate(), delay);
  }

  /** A window ended or a boundary came: decide again, unless counting fails (then look again shortly). */
  private reevaluate(): void {
    this.reevaluation = undefined;
    if (this.counts.healthy) {
      this.evaluate(false);
      return;
    }
    // The signal is lost: hold the last value, decide nothing new until counting works.
    this.logger.warn(
      'A scale-down window or schedule boundary came while the active users cannot be counted: holding the current replicas',
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
