import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { backoffDelay, type BackoffOptions } from '../common/backoff.js';
import { Clock } from '../common/clock.js';
import { errorMessage } from '../common/error-message.js';
import { FailureStreak } from '../common/failure-streak.js';
import { WorkQueue } from '../common/work-queue.js';
import type { AppConfig } from '../config/index.js';
import type { KiadaServiceCount } from '../kubernetes/kiada-service-count.js';
import { KubernetesApiError } from '../kubernetes/kubernetes-api.error.js';
import { ServiceCountSpecApi } from '../kubernetes/ports/service-count-spec.api.js';
import {
  DECISION,
  formatDecisionStamp,
  formatPolicyVerdict,
  POLICY,
  type PolicyVerdict,
} from '../kubernetes/service-count-annotations.js';
import type { Decision } from './decision.js';
import { decisionRow } from './decisions/decision-record.js';
import { DecisionRecorder } from './decisions/decision-recorder.service.js';
import {
  annotationsDue,
  holdsDecision,
  signalAnnotation,
  signalNeedsRefresh,
  stampOf,
} from './resource-annotations.js';
import { ScalingResourceView } from './scaling-resource.view.js';
import { ScalingMetrics } from './scaling.metrics.js';
import { serviceCountManifest } from './service-count-manifest.js';

/** Retry delays: 200 ms, doubling, capped at 30 s (kept up while the API is unreachable). */
export const WRITE_BACKOFF: BackoffOptions = { initialMs: 200, maxMs: 30_000 };

export interface WriteError {
  /** Kubernetes API status code; 0 when the API server could not be reached. */
  statusCode: number;
  message: string;
  /** ISO time of the latest failed attempt. */
  at: string;
  /** Failed attempts in a row so far. */
  failedAttempts: number;
}

export interface WriterState {
  /** The value this process last wrote into spec.kiadaServiceCount, null before its first write. */
  lastWrittenReplicas: number | null;
  /** ISO time of that write. */
  lastWriteAt: string | null;
  /** spec.kiadaServiceCount as the api last saw it, null when unknown. */
  observedReplicas: number | null;
  /** The current failure, null once a write (or a check that found nothing to write) succeeds. */
  lastError: WriteError | null;
}

/** The writer's one work-queue key: there is one resource to write. */
const RESOURCE = 'resource';
/**
 * Writes decisions into the configured KiadaServiceCount, in the background, as a work
 * queue with one key:
 * - `desire(decision)` returns at once and never throws: callers (ultimately auth requests)
 *   are never slowed or failed; only the latest decision matters, it supersedes any still
 *   waiting for a retry (which then writes it);
 * - it compares with the resource as ScalingResourceView holds it (a watch, so no read
 *   first) and patches spec.kiadaServiceCount with the decision annotation only when they
 *   differ, preconditioned on the resourceVersion it compared with: of several api replicas
 *   deciding the same, exactly one write lands, and only that replica records the decision
 *   (row, Event, metric);
 * - `refreshSignal(at)` keeps the signal annotation fresh (the operator's fallback), and
 *   `desirePolicy(verdict)` the policy annotation current (the operator's PolicyValid);
 * - a missing resource is created when SCALING_CREATE_RESOURCE is on;
 * - every failure (409 included) is retried with capped exponential backoff, forever while
 *   the API is unreachable; the streak is logged sparingly.
 */
@Injectable()
export class ServiceCountWriter {
  private readonly logger = new Logger(ServiceCountWriter.name);
  private readonly scaling: AppConfig['scaling'];
  private readonly queue: WorkQueue;
  private readonly failures: FailureStreak;
  private desired?: Decision;
  private signalAt?: number;
  private policy?: string;
  private readonly stateValue: Omit<WriterState, 'observedReplicas'> = {
    lastWrittenReplicas: null,
    lastWriteAt: null,
    lastError: null,
  };

  constructor(
    private readonly serviceCounts: ServiceCountSpecApi,
    private readonly view: ScalingResourceView,
    private readonly recorder: DecisionRecorder,
    config: ConfigService<AppConfig, true>,
    private readonly clock: Clock,
    private readonly metrics: ScalingMetrics,
  ) {
    this.scaling = config.get('scaling', { infer: true });
    this.queue = new WorkQueue(() => this.write(), clock, { backoff: WRITE_BACKOFF });
    this.failures = new FailureStreak(this.logger, `KiadaServiceCount ${this.resourceName}`);
  }

  get state(): WriterState {
    return {
      ...this.stateValue,
      observedReplicas: this.view.current()?.spec.kiadaServiceCount ?? null,
      lastError: this.stateValue.lastError && { ...this.stateValue.lastError },
    };
  }

  /** Settles when no write is running (tests, shutdown). Does not wait for scheduled retries. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Asks for `decision` in the resource. Returns at once; writing happens in the background. */
  desire(decision: Decision): void {
    this.desired = decision;
    this.kick();
  }

  /** The policy annotation the resource should carry (written only when it differs). */
  desirePolicy(verdict: PolicyVerdict): void {
    this.policy = formatPolicyVerdict(verdict);
    if (this.view.current()?.metadata.annotations?.[POLICY] !== this.policy) this.kick();
  }

  /** The api counted at `at`: keep the signal annotation fresh (written only when it ages). */
  refreshSignal(at: number): void {
    this.signalAt = at;
    const current = this.view.current();
    if (!current || signalNeedsRefresh(current, at)) this.kick();
  }

  stop(): void {
    void this.queue.shutDown();
  }

  private kick(): void {
    // While a retry is scheduled it writes the latest state; do not hurry it.
    if (!this.queue.isScheduled(RESOURCE)) this.queue.add(RESOURCE);
  }

  private get resourceName(): string {
    return `${this.scaling.namespace}/${this.scaling.resourceName}`;
  }

  /** The queue's handler: one attempt to bring the resource to the latest decision and signal. */
  private async write(): Promise<void> {
    try {
      await this.writeIfChanged();
    } catch (error) {
      this.failed(error);
      throw error; // the queue retries with backoff
    }
    this.failures.succeeded();
    this.stateValue.lastError = null;
  }

  private async writeIfChanged(): Promise<void> {
    const { namespace, resourceName: name } = this.scaling;
    const decision = this.desired;
    let current = this.view.current();
    // Not listed yet (start-up) or gone: ask the API server itself.
    if (!current)
      current = (await this.serviceCounts.getServiceCount(namespace, name)) ?? undefined;
    if (!current) {
      if (decision) await this.create(decision);
      return;
    }
    const annotations = annotationsDue(current, this.signalAt, this.policy);
    if (decision && !holdsDecision(current, decision)) {
      const writeStartedAt = this.clock.now();
      let patched: KiadaServiceCount;
      try {
        patched = await this.patchDecision(current, decision, annotations);
      } catch (error) {
        // A write we had not seen yet (the operator's status, another replica): look again.
        if (!(error instanceof KubernetesApiError && error.conflict)) throw error;
        current = (await this.serviceCounts.getServiceCount(namespace, name)) ?? undefined;
        if (!current) throw error;
        this.view.observe(current);
        if (holdsDecision(current, decision)) return; // another replica made it
        patched = await this.patchDecision(current, decision, annotations);
      }
      this.view.observe(patched);
      this.landed(decision, current, patched, 'patch', writeStartedAt);
    } else if (Object.keys(annotations).length > 0) {
      this.view.observe(
        await this.serviceCounts.annotateServiceCount(namespace, name, annotations),
      );
    }
  }

  /** The decision into spec and annotation, only if the resource is still `current`. */
  private patchDecision(
    current: KiadaServiceCount,
    decision: Decision,
    annotations: Record<string, string>,
  ): Promise<KiadaServiceCount> {
    const { namespace, resourceName: name } = this.scaling;
    return this.serviceCounts.patchServiceCountSpec(
      namespace,
      name,
      { kiadaServiceCount: decision.replicas },
      {
        annotations: { [DECISION]: formatDecisionStamp(stampOf(decision)), ...annotations },
        resourceVersion: current.metadata.resourceVersion,
      },
    );
  }

  private async create(decision: Decision): Promise<void> {
    const { namespace, resourceName: name } = this.scaling;
    if (!this.scaling.createResource) {
      throw new KubernetesApiError(
        404,
        `KiadaServiceCount ${namespace}/${name} does not exist and SCALING_CREATE_RESOURCE is false: create it (helm install does)`,
        'NotFound',
      );
    }
    const manifest = serviceCountManifest({
      namespace,
      name,
      owner: this.scaling.resourceOwner,
      targetName: this.scaling.targetName,
      replicas: decision.replicas,
    });
    manifest.metadata.annotations = {
      [DECISION]: formatDecisionStamp(stampOf(decision)),
      ...signalAnnotation(this.signalAt),
      ...(this.policy !== undefined ? { [POLICY]: this.policy } : {}),
    };
    const created = await this.serviceCounts.createServiceCount(manifest);
    this.view.observe(created);
    this.landed(decision, undefined, created, 'create');
  }

  /** A write of ours changed the resource: the decision is made; record it once. */
  private landed(
    decision: Decision,
    before: KiadaServiceCount | undefined,
    after: KiadaServiceCount,
    operation: 'create' | 'patch',
    writeStartedAt?: number,
  ): void {
    this.stateValue.lastWrittenReplicas = decision.replicas;
    this.stateValue.lastWriteAt = new Date(this.clock.now()).toISOString();
    this.metrics.writes.inc({ operation });
    const previous = before?.spec.kiadaServiceCount ?? null;
    // The timing fields feed the reaction benchmark's breakdown (bench/reaction-breakdown.ts).
    this.logger.log({
      msg: `${operation === 'create' ? 'Created' : 'Set'} KiadaServiceCount ${this.resourceName} kiadaServiceCount ${previous ?? '(new)'} -> ${decision.replicas}: ${decision.message}`,
      timing: {
        decidedAt: decision.at,
        writeStartedAt,
        writtenAt: this.clock.now(),
        replicas: decision.replicas,
      },
    });
    const { namespace, resourceName: name } = this.scaling;
    this.recorder.record(decisionRow(decision, { namespace, name }), { uid: after.metadata.uid });
  }

  private failed(error: unknown): void {
    const statusCode = error instanceof KubernetesApiError ? error.statusCode : -1;
    const message = errorMessage(error);
    const attempt = this.failures.count + 1;
    this.stateValue.lastError = {
      statusCode,
      message,
      at: new Date(this.clock.now()).toISOString(),
      failedAttempts: attempt,
    };
    this.metrics.writeErrors.inc({ code: String(statusCode) });
    const what =
      statusCode === 0
        ? `Kubernetes API unreachable while writing KiadaServiceCount ${this.resourceName}`
        : `Writing KiadaServiceCount ${this.resourceName} failed (${statusCode === -1 ? 'unexpected error' : `HTTP ${statusCode}`})`;
    if (error instanceof KubernetesApiError && error.notConfigured) {
      // The first-run line, as it is (every 10th attempt: about every 5 minutes).
      this.failures.failed(message);
      return;
    }
    const expected = error instanceof KubernetesApiError && (error.retryable || error.notFound);
    // A conflict that survived a fresh read: expected under contention, retried.
    const level = statusCode === 409 && attempt === 1 ? 'debug' : expected ? 'warn' : 'error';
    this.failures.failed(
      `${what}: ${message}; attempt ${attempt}, retrying in ${backoffDelay(attempt, WRITE_BACKOFF)} ms`,
      level,
    );
  }
}
