import { Injectable, Logger } from '@nestjs/common';
import {
  KiadaServiceCount,
  KSC_API_VERSION,
  KSC_GROUP,
  KSC_KIND,
  KSC_PLURAL,
} from '../kubernetes/kiada-service-count.js';
import { Clock } from '../common/clock.js';
import { errorMessage } from '../common/error-message.js';
import type { EventRecord } from '../kubernetes/kubernetes.types.js';
import { DeploymentApi } from '../kubernetes/ports/deployment.api.js';
import { EventApi } from '../kubernetes/ports/event.api.js';
import { ServiceCountStatusApi } from '../kubernetes/ports/service-count-status.api.js';
import { CONDITION_SCALED, desiredStatus, statusEquals } from './desired-status.js';
import { OperatorMetrics } from './operator.metrics.js';
import { targetNameOf } from './target-ref.js';

export const CRD_NAME = `${KSC_PLURAL}.${KSC_GROUP}`;

export interface ReconcileOutcome {
  /** False when the resource no longer exists (nothing to do). */
  found: boolean;
  targetFound?: boolean;
  scaled?: { from: number; to: number };
  statusWritten?: boolean;
}

/**
 * Level-triggered, idempotent reconcile of one KiadaServiceCount: read it and its target
 * Deployment, set the target's replicas through the scale subresource when they differ,
 * and write status through the status subresource only when it changes. Errors propagate
 * (the work queue retries them); a missing target is reported, not thrown.
 */
@Injectable()
export class KiadaServiceCountReconciler {
  private readonly logger = new Logger(KiadaServiceCountReconciler.name);

  constructor(
    private readonly serviceCounts: ServiceCountStatusApi,
    private readonly deployments: DeploymentApi,
    private readonly events: EventApi,
    private readonly clock: Clock,
    private readonly metrics: OperatorMetrics,
  ) {}

  async reconcile(namespace: string, name: string): Promise<ReconcileOutcome> {
    const resource = await this.serviceCounts.getServiceCount(namespace, name);
    if (!resource) {
      this.logger.log(`${CRD_NAME} ${namespace}/${name} is gone; nothing to reconcile`);
      return { found: false };
    }
    const desired = resource.spec.kiadaServiceCount;
    const targetName = targetNameOf(resource);
    this.logger.log(
      `Reconciling crd=${CRD_NAME} name=${resource.metadata.name} namespace=${namespace} ` +
        `owner=${resource.spec.owner ?? ''} kiadaServiceCount=${desired} target=deployment/${targetName}`,
    );
    if (!Number.isInteger(desired) || desired < 0) {
      this.logger.error(
        `${namespace}/${name}: spec.kiadaServiceCount ${String(desired)} is not an integer >= 0`,
      );
      return { found: true };
    }

    let deployment = await this.deployments.getDeployment(namespace, targetName);
    let scaled: ReconcileOutcome['scaled'];
    let scaledAt: string | undefined;
    if (deployment && deployment.replicas !== desired) {
      await this.deployments.scaleDeployment(namespace, targetName, desired);
      scaled = { from: deployment.replicas, to: desired };
      scaledAt = new Date(this.clock.now()).toISOString();
      this.metrics.scales.inc({ direction: desired > deployment.replicas ? 'up' : 'down' });
      this.logger.log(
        `Scaled deployment ${namespace}/${targetName} from ${scaled.from} to ${desired} replicas`,
      );
      await this.recordEvent(
        resource,
        'Normal',
        'Scaled',
        `Scaled Deployment "${targetName}" from ${scaled.from} to ${desired} replicas`,
      );
      // Read back what the API server now holds (spec replicas and readiness).
      deployment = (await this.deployments.getDeployment(namespace, targetName)) ?? {
        ...deployment,
        replicas: desired,
      };
    }

    if (!deployment) {
      const previous = resource.status?.conditions?.find((c) => c.type === CONDITION_SCALED);
      this.logger.warn(
        `Target deployment ${namespace}/${targetName} of ${namespace}/${name} not found`,
      );
      if (previous?.reason !== 'TargetNotFound') {
        await this.recordEvent(
          resource,
          'Warning',
          'TargetNotFound',
          `Deployment "${targetName}" not found in namespace "${namespace}"; will scale it once it exists`,
        );
      }
    }

    const status = desiredStatus({
      resource,
      targetName,
      deployment,
      scaledAt,
      now: new Date(this.clock.now()).toISOString(),
    });
    let statusWritten = false;
    if (!statusEquals(resource.status, status)) {
      await this.serviceCounts.patchServiceCountStatus(namespace, name, status);
      statusWritten = true;
    }
    return { found: true, targetFound: deployment !== null, scaled, statusWritten };
  }

  /** Events are best effort: a failure is logged, never fails the reconcile. */
  private async recordEvent(
    resource: KiadaServiceCount,
    type: EventRecord['type'],
    reason: string,
    message: string,
  ): Promise<void> {
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
        type,
        reason,
        message,
      });
    } catch (error) {
      this.logger.warn(`Could not record ${reason} event: ${errorMessage(error)}`);
    }
  }
}
