import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/index.js';
import { Clock } from '../common/clock.js';
import { errorMessage } from '../common/error-message.js';
import { WorkQueue } from '../common/work-queue.js';
import { KubernetesApiError } from '../kubernetes/kubernetes-api.error.js';
import type { DeploymentState } from '../kubernetes/kubernetes.types.js';
import { LeaseApi } from '../kubernetes/ports/lease.api.js';
import { Informer, InformerOptions, InformerRestartReason } from './informer.js';
import { InformerFactory } from './informer.factory.js';
import { KiadaServiceCountReconciler } from './kiada-service-count.reconciler.js';
import { LeaderElector } from './leader-elector.js';
import { objectKey, ObjectKey, parseObjectKey } from './object-key.js';
import { OperatorMetrics } from './operator.metrics.js';
import { serviceCountsTargeting } from './target-ref.js';

/** Reopen a watch that has delivered nothing, not even a bookmark, for this long. */
const WATCHDOG_MS = 2 * 60_000;
const INFORMER_BACKOFF = { initialMs: 1_000, maxMs: 60_000 };
const RECONCILE_BACKOFF = { initialMs: 1_000, maxMs: 2 * 60_000 };

interface Controllers {
  queue: WorkQueue;
  serviceCounts: Informer<'KiadaServiceCount'>;
  deployments: Informer<'Deployment'>;
}

/**
 * Runs the operator for the Nest lifecycle: from onApplicationBootstrap it campaigns for
 * the Lease (when leader election is on) and, while leading, runs the KiadaServiceCount
 * and Deployment informers feeding the reconcile work queue. Shutdown stops them and
 * releases the Lease so a standby takes over at once. Nothing here blocks start-up: with
 * no reachable cluster the app still starts, and lists, watches and Lease calls retry.
 */
@Injectable()
export class OperatorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OperatorService.name);
  private elector?: LeaderElector;
  private controllers?: Controllers;

  constructor(
    private readonly config: ConfigService<AppConfig, true>,
    private readonly leases: LeaseApi,
    private readonly clock: Clock,
    private readonly informers: InformerFactory,
    private readonly reconciler: KiadaServiceCountReconciler,
    private readonly metrics: OperatorMetrics,
  ) {}

  /** True while this process runs informers and reconciles (it is the leader). */
  get active(): boolean {
    return this.controllers !== undefined;
  }

  get isLeader(): boolean {
    return this.elector ? this.elector.isLeader : this.active;
  }

  onApplicationBootstrap(): void {
    const operator = this.config.get('operator', { infer: true });
    this.metrics.leader.set(0);
    if (!operator.leaderElection) {
      this.logger.log('Leader election is off; reconciling');
      this.startControllers();
      return;
    }
    this.elector = new LeaderElector(
      this.leases,
      this.clock,
      {
        namespace: operator.leaseNamespace,
        name: operator.leaseName,
        identity: operator.identity,
        leaseDurationMs: operator.leaseDurationSeconds * 1000,
        renewDeadlineMs: operator.renewDeadlineSeconds * 1000,
        retryPeriodMs: operator.retryPeriodSeconds * 1000,
      },
      {
        onStartedLeading: () => this.startControllers(),
        onStoppedLeading: () => void this.stopControllers(),
      },
    );
    this.elector.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stopControllers();
    await this.elector?.stop();
  }

  private startControllers(): void {
    if (this.controllers) return;
    const operator = this.config.get('operator', { infer: true });
    const namespace = operator.namespace || undefined;
    const informerOptions = (kind: string): InformerOptions => ({
      resyncMs: operator.resyncSeconds * 1000,
      watchdogMs: WATCHDOG_MS,
      backoff: INFORMER_BACKOFF,
      onRestart: (reason: InformerRestartReason) =>
        this.metrics.watchRestarts.inc({ kind, reason }),
    });

    const queue: WorkQueue = new WorkQueue((key) => this.process(key, queue), this.clock, {
      backoff: RECONCILE_BACKOFF,
      concurrency: operator.concurrency,
      onDepth: (depth) => this.metrics.queueDepth.set(depth),
    });
    const serviceCounts = this.informers.create(
      'KiadaServiceCount',
      namespace,
      {
        onAdd: (resource) => queue.add(objectKey(resource.metadata)),
        onUpdate: (resource) => queue.add(objectKey(resource.metadata)),
        onDelete: (resource) => queue.forget(objectKey(resource.metadata)),
      },
      informerOptions('KiadaServiceCount'),
    );
    const enqueueOwners = (deployment: DeploymentState) =>
      serviceCountsTargeting(deployment, serviceCounts.list()).forEach((resource) =>
        queue.add(objectKey(resource.metadata)),
      );
    const deployments = this.informers.create(
      'Deployment',
      namespace,
      {
        onAdd: enqueueOwners,
        onUpdate: (deployment, previous) => {
          const changed =
            deployment.replicas !== previous.replicas ||
            deployment.readyReplicas !== previous.readyReplicas;
          if (changed) enqueueOwners(deployment);
        },
        onDelete: enqueueOwners,
      },
      informerOptions('Deployment'),
    );

    this.controllers = { queue, serviceCounts, deployments };
    this.metrics.leader.set(1);
    this.logger.log(`Watching KiadaServiceCounts in ${namespace ?? 'all namespaces'}`);
    serviceCounts.start();
    deployments.start();
  }

  private async stopControllers(): Promise<void> {
    const controllers = this.controllers;
    if (!controllers) return;
    this.controllers = undefined;
    this.metrics.leader.set(0);
    controllers.serviceCounts.stop();
    controllers.deployments.stop();
    await controllers.queue.shutDown();
    this.logger.log('Stopped reconciling');
  }

  private async process(key: ObjectKey, queue: WorkQueue): Promise<void> {
    const { namespace, name } = parseObjectKey(key);
    const endTimer = this.metrics.duration.startTimer();
    try {
      await this.reconciler.reconcile(namespace, name);
      this.metrics.reconciles.inc({ result: 'success' });
    } catch (error) {
      const code = error instanceof KubernetesApiError ? error.statusCode : 0;
      this.metrics.reconciles.inc({ result: 'error' });
      this.metrics.errors.inc({ code: String(code) });
      this.logger.warn(
        `Reconcile of ${key} failed (attempt ${queue.failuresOf(key) + 1}): ` +
          `${errorMessage(error)}; will retry`,
      );
      throw error;
    } finally {
      endTimer();
    }
  }
}
