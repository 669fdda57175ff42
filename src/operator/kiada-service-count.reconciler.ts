import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { errorMessage } from '../common/error-message.js';
import {
  KiadaServiceCount,
  KSC_API_VERSION,
  KSC_GROUP,
  KSC_KIND,
  KSC_PLURAL,
} from '../kubernetes/kiada-service-count.js';
import type { DeploymentState } from '../kubernetes/kubernetes.types.js';
import { DeploymentApi } from '../kubernetes/ports/deployment.api.js';
import { EventApi } from '../kubernetes/ports/event.api.js';
import { ServiceCountStatusApi } from '../kubernetes/ports/service-count-status.api.js';
import { parseDecisionStamp } from '../kubernetes/service-count-annotations.js';
import { desiredStatus, statusEquals } from './desired-status.js';
import { OperatorCache } from './operator-cache.js';
import { OperatorMetrics } from './operator.metrics.js';
import { claimOnTarget } from './ownership.js';
import { planReconcile, ReconcilePlan } from './reconcile-plan.js';
import { targetNameOf } from './target-ref.js';
import { PlannedEvent, transitionEvents } from './transition-events.js';

export const CRD_NAME = `${KSC_PLURAL}.${KSC_GROUP}`;
/** A decision older than this is not a reaction of this scale (a resync, a restart). */
const MAX_REACTION_MS = 10 * 60_000;

export interface ReconcileOutcome {
  /** False when the resource no longer exists (nothing to do). */
  found: boolean;
  targetFound?: boolean;
  scaled?: { from: number; to: number };
  statusWritten?: boolean;
  /** Reconcile again after this long (a pause ends, the signal turns stale). */
  requeueAfterMs?: number;
}

/**
 * Level-triggered, idempotent reconcile of one KiadaServiceCount, reading the resource, its
 * target and the other scalers from the OperatorCache: plan (pure: pause, fallback,
 * ownership), scale the target through the scale subresource when it differs, write status
 * through the status subresource only when it changes, and record Events for what changed.
 * Errors propagate (the work queue retries them); a missing or claimed target is reported,
 * not thrown.
 */
@Injectable()
export class KiadaServiceCountReconciler {
  private readonly logger = new Logger(KiadaServiceCountReconciler.name);

  constructor(
    private readonly cache: OperatorCache,
    private readonly serviceCounts: ServiceCountStatusApi,
    private readonly deployments: DeploymentApi,
    private readonly events: EventApi,
    private readonly clock: Clock,
    private readonly metrics: OperatorMetrics,
  ) {}

  /** `trigger.queuedAt`: when an informer event queued this reconcile (for the scale's log line). */
  async reconcile(
    namespace: string,
    name: string,
    trigger: { queuedAt?: number } = {},
  ): Promise<ReconcileOutcome> {
    const startedAt = this.clock.now();
    const resource = this.cache.serviceCount(namespace, name);
    if (!resource) {
      this.logger.log(`${CRD_NAME} ${namespace}/${name} is gone; nothing to reconcile`);
      this.metrics.forget(namespace, name);
      return { found: false };
    }
    const desired = resource.spec.kiadaServiceCount;
    const now = this.clock.now();
    const target = targetNameOf(resource);
    const claim = claimOnTarget(
      resource,
      this.cache.serviceCountsTargeting(namespace, target),
      this.cache.autoscalersTargeting(namespace, target),
    );
    let deployment = this.cache.deployment(namespace, target) ?? null;
    const plan = planReconcile({ resource, deployment, claim, now });
    this.logger.log(
      `Reconciling crd=${CRD_NAME} name=${resource.metadata.name} namespace=${namespace} ` +
        `owner=${resource.spec.owner ?? ''} kiadaServiceCount=${desired} target=deployment/${plan.targetName}` +
        (plan.mode !== 'autoscale' ? ` mode=${plan.mode}` : ''),
    );
    if (!Number.isInteger(desired) || desired < 0) {
      this.logger.error(
        `${namespace}/${name}: spec.kiadaServiceCount ${String(desired)} is not an integer >= 0`,
      );
      return { found: true };
    }

    let scaled: ReconcileOutcome['scaled'];
    let scaledAt: string | undefined;
    if (deployment && plan.scaleTo !== undefined) {
      const from = deployment.replicas;
      deployment = await this.scale(resource, deployment, plan, {
        queuedAt: trigger.queuedAt,
        reconcileStartedAt: startedAt,
      });
      scaled = { from, to: plan.scaleTo };
      scaledAt = new Date(now).toISOString();
    }
    if (plan.blocked) this.logger.warn(`${namespace}/${name}: ${plan.blocked.message}`);

    const status = desiredStatus({
      resource,
      plan,
      deployment,
      scaledAt,
      now: new Date(now).toISOString(),
    });
    const events = transitionEvents(resource.status, status, plan, scaled);
    let statusWritten = false;
    if (!statusEquals(resource.status, status)) {
      this.cache.wroteServiceCount(
        await this.serviceCounts.patchServiceCountStatus(namespace, name, status),
      );
      statusWritten = true;
    }
    // After the status write: a failed write is retried, and must not repeat the Events.
    for (const event of events) await this.recordEvent(resource, event);
    this.record(resource, plan, deployment);
    return {
      found: true,
      targetFound: deployment !== null,
      scaled,
      statusWritten,
      requeueAfterMs: plan.requeueAfterMs,
    };
  }

  /** Scales the target to plan.scaleTo; returns the target as the API server now holds it. */
  private async scale(
    resource: KiadaServiceCount,
    deployment: DeploymentState,
    plan: ReconcilePlan,
    timing: { queuedAt?: number; reconcileStartedAt: number },
  ): Promise<DeploymentState> {
    const namespace = resource.metadata.namespace ?? '';
    const to = plan.scaleTo!;
    const scaleStartedAt = this.clock.now();
    const result = await this.deployments.scaleDeployment(namespace, plan.targetName, to);
    const scaled: DeploymentState = {
      ...deployment,
      replicas: result.replicas,
      metadata: { ...deployment.metadata, resourceVersion: result.resourceVersion },
    };
    this.cache.wroteDeployment(scaled);
    this.metrics.scales.inc({ direction: to > deployment.replicas ? 'up' : 'down' });
    const stamp = parseDecisionStamp(resource.metadata.annotations);
    // The timing fields feed the reaction benchmark's breakdown (bench/reaction-breakdown.ts).
    this.logger.log({
      msg: `Scaled deployment ${namespace}/${plan.targetName} from ${deployment.replicas} to ${to} replicas (${plan.mode})`,
      timing: {
        decidedAt: stamp?.at,
        ...timing,
        scaleStartedAt,
        scaledAt: this.clock.now(),
        replicas: to,
      },
    });
    const reactionMs = stamp ? this.clock.now() - stamp.at : -1;
    if (
      plan.mode === 'autoscale' &&
      stamp?.replicas === to &&
      reactionMs >= 0 &&
      reactionMs < MAX_REACTION_MS
    ) {
      this.metrics.reaction.observe(reactionMs / 1000);
    }
    return scaled;
  }

  private record(
    resource: KiadaServiceCount,
    plan: ReconcilePlan,
    deployment: DeploymentState | null,
  ): void {
    const labels = { namespace: resource.metadata.namespace ?? '', name: resource.metadata.name };
    this.metrics.paused.set(labels, plan.pause.paused ? 1 : 0);
    this.metrics.signalFresh.set(labels, plan.signal.stale ? 0 : 1);
    this.metrics.desiredReplicas.set(labels, plan.desired);
    this.metrics.readyReplicas.set(labels, deployment?.readyReplicas ?? 0);
  }

  /** Events are best effort: a failure is logged, never fails the reconcile. */
  private async recordEvent(resource: KiadaServiceCount, event: PlannedEvent): Promise<void> {
    const namespace = resource.metadata.namespace ?? '';
    try {
      await this.events.recordEvent({
        namespace,
        involvedObject: {
          apiVersion: KSC_API_VERSION,
          kind: KSC_KIND,
          name: resource.metadata.name,
          namespace,
          uid: resource.metadata.uid,
        },
        ...event,
      });
    } catch (error) {
      this.logger.warn(`Could not record ${event.reason} event: ${errorMessage(error)}`);
    }
  }
}
