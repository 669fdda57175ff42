import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/index.js';
import { Clock } from '../common/clock.js';
import { errorMessage } from '../common/error-message.js';
import { WorkQueue } from '../common/work-queue.js';
import { KubernetesApiError } from '../kubernetes/kubernetes-api.error.js';
import type { InformerRestartReason } from '../kubernetes/informer/informer.js';
import { objectKey, ObjectKey, parseObjectKey } from '../kubernetes/informer/object-key.js';
import type { KiadaServiceCount } from '../kubernetes/kiada-service-count.js';
import type {
  DeploymentState,
  HorizontalPodAutoscalerState,
} from '../kubernetes/kubernetes.types.js';
import { LeaseApi } from '../kubernetes/ports/lease.api.js';
import { KiadaServiceCountReconciler } from './kiada-service-count.reconciler.js';
import { LeaderElector } from './leader-elector.js';
import { OperatorCache } from './operator-cache.js';
import { OperatorMetrics } from './operator.metrics.js';
import { targetNameOf } from './target-ref.js';

/** Reopen a watch that has delivered nothing, not even a bookmark, for this long. */
const WATCHDOG_MS = 2 * 60_000;
const INFORMER_BACKOFF = { initialMs: 1_000, maxMs: 60_000 };
const RECONCILE_BACKOFF = { initialMs: 1_000, maxMs: 2 * 60_000 };

/**
 * Runs the operator for the Nest lifecycle: from onApplicationBootstrap it campaigns for
 * the Lease (when leader election is on) and, while leading, runs the informers of the
 * OperatorCache (KiadaServiceCounts, Deployments, HorizontalPodAutoscalers) feeding the
 * reconcile work queue. Shutdown stops them and
 * releases the Lease so a standby takes over at once. Nothing here blocks start-up: with
 * no reachable cluster the app still starts, and lists, watches and Lease calls retry.
 */
@Injectable()
export class OperatorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OperatorService.name);
  private elector?: LeaderElector;
  private queue?: WorkQueue;
  /** Per key: when an informer event first queued it since its last reconcile began (epoch ms). */
  private readonly queuedAt = new Map<ObjectKey, number>();

  constructor(
    private readonly config: ConfigService<AppConfig, true>,
    private readonly leases: LeaseApi,
    private readonly clock: Clock,
    private readonly cache: OperatorCache,
    private readonly reconciler: KiadaServiceCountReconciler,
    private readonly metrics: OperatorMetrics,
  ) {}

  /** True while this process runs informers and reconciles (it is the leader). */
  get active(): boolean {
    return this.queue !== undefined;
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
    if (this.queue) return;
    const operator = this.config.get('operator', { infer: true });
    const namespace = operator.namespace || undefined;
    const queue: WorkQueue = new WorkQueue((key) => this.process(key, queue), this.clock, {
      backoff: RECONCILE_BACKOFF,
      concurrency: operator.concurrency,
      onDepth: (depth) => this.metrics.queueDepth.set(depth),
    });
    const enqueue = (resource: KiadaServiceCount) => {
      const key = objectKey(resource.metadata);
      if (!this.queuedAt.has(key)) this.queuedAt.set(key, this.clock.now());
      queue.add(key);
    };
    /** Every resource that targets Deployment `target` in `ns` (ownership may move between them). */
    const enqueueTargeting = (ns: string | undefined, target: string) =>
      this.cache.serviceCountsTargeting(ns, target).forEach(enqueue);
    const onServiceCount = (resource: KiadaServiceCount) => {
      enqueue(resource);
      enqueueTargeting(resource.metadata.namespace, targetNameOf(resource));
    };
    const onDeployment = (deployment: DeploymentState) =>
      enqueueTargeting(deployment.metadata.namespace, deployment.metadata.name);
    const onAutoscaler = (hpa: HorizontalPodAutoscalerState) =>
      enqueueTargeting(hpa.metadata.namespace, hpa.scaleTargetRef.name);

    this.queue = queue;
    this.cache.start(
      namespace,
      {
        KiadaServiceCount: {
          onAdd: onServiceCount,
          onUpdate: enqueue,
          onDelete: (resource) => {
            queue.forget(objectKey(resource.metadata));
            this.queuedAt.delete(objectKey(resource.metadata));
            this.metrics.forget(resource.metadata.namespace ?? '', resource.metadata.name);
            enqueueTargeting(resource.metadata.namespace, targetNameOf(resource));
          },
        },
        Deployment: {
          onAdd: onDeployment,
          onUpdate: (deployment, previous) => {
            const changed =
              deployment.replicas !== previous.replicas ||
              deployment.readyReplicas !== previous.readyReplicas;
            if (changed || deployment === previous) onDeployment(deployment);
          },
          onDelete: onDeployment,
        },
        HorizontalPodAutoscaler: {
          onAdd: onAutoscaler,
          onUpdate: onAutoscaler,
          onDelete: onAutoscaler,
        },
      },
      (kind) => ({
        resyncMs: operator.resyncSeconds * 1000,
        watchdogMs: WATCHDOG_MS,
        backoff: INFORMER_BACKOFF,
        onRestart: (reason: InformerRestartReason) =>
          this.metrics.watchRestarts.inc({ kind, reason }),
      }),
    );
    this.metrics.leader.set(1);
    this.logger.log(`Watching KiadaServiceCounts in ${namespace ?? 'all namespaces'}`);
  }

  private async stopControllers(): Promise<void> {
    const queue = this.queue;
    if (!queue) return;
    this.queue = undefined;
    this.metrics.leader.set(0);
    this.queuedAt.clear();
    this.cache.stop();
    await queue.shutDown();
    this.logger.log('Stopped reconciling');
  }

  private async process(key: ObjectKey, queue: WorkQueue): Promise<void> {
    const { namespace, name } = parseObjectKey(key);
    const endTimer = this.metrics.duration.startTimer();
    // Until every first list is in, a missing Deployment could just be unlisted yet.
    await this.cache.whenSynced();
    if (!this.cache.synced) return; // stopping
    const queuedAt = this.queuedAt.get(key);
    this.queuedAt.delete(key);
    try {
      const outcome = await this.reconciler.reconcile(namespace, name, { queuedAt });
      this.metrics.reconciles.inc({ result: 'success' });
      if (outcome.requeueAfterMs !== undefined) queue.addAfter(key, outcome.requeueAfterMs + 1);
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
