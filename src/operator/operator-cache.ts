import { Injectable } from '@nestjs/common';
import type { KiadaServiceCount } from '../kubernetes/kiada-service-count.js';
import type {
  DeploymentState,
  HorizontalPodAutoscalerState,
  WatchableKind,
  WatchableKinds,
} from '../kubernetes/kubernetes.types.js';
import type {
  Informer,
  InformerHandlers,
  InformerOptions,
} from '../kubernetes/informer/informer.js';
import { InformerFactory } from '../kubernetes/informer/informer.factory.js';
import { objectKey } from '../kubernetes/informer/object-key.js';
import { targetNameOf } from './target-ref.js';

export type CacheHandlers = {
  [K in WatchableKind]: InformerHandlers<WatchableKinds[K]>;
};

/** The index of the KiadaServiceCount and HPA caches: the Deployment they scale. */
const targetKey = (namespace: string | undefined, target: string) => `${namespace ?? ''}/${target}`;

const INDEX_BY: { [K in WatchableKind]?: (object: WatchableKinds[K]) => string } = {
  KiadaServiceCount: (resource) => targetKey(resource.metadata.namespace, targetNameOf(resource)),
  HorizontalPodAutoscaler: (hpa) => targetKey(hpa.metadata.namespace, hpa.scaleTargetRef.name),
};

interface Informers {
  KiadaServiceCount: Informer<'KiadaServiceCount'>;
  Deployment: Informer<'Deployment'>;
  HorizontalPodAutoscaler: Informer<'HorizontalPodAutoscaler'>;
}

/**
 * What the operator knows of the cluster: informers on KiadaServiceCounts, Deployments and
 * HorizontalPodAutoscalers (the watched namespace, or all). Reconciles read from here, not
 * from the API server, and record their own writes (`wrote*`) so that a reconcile never
 * acts on a state older than the operator's last write (read-after-write).
 */
@Injectable()
export class OperatorCache {
  private informers?: Informers;

  constructor(private readonly factory: InformerFactory) {}

  /** True once every informer has listed. */
  get synced(): boolean {
    const informers = this.informers;
    return (
      !!informers &&
      Object.values(informers).every((informer: Informer<WatchableKind>) => informer.synced)
    );
  }

  /** Settles once every informer has listed (or the cache stops). */
  async whenSynced(): Promise<void> {
    const informers = this.informers;
    if (informers) {
      await Promise.all(
        Object.values(informers).map((informer: Informer<WatchableKind>) => informer.whenSynced()),
      );
    }
  }

  start(
    namespace: string | undefined,
    handlers: CacheHandlers,
    options: (kind: WatchableKind) => InformerOptions,
  ): void {
    if (this.informers) return;
    const create = <K extends WatchableKind>(kind: K) =>
      this.factory.create(kind, namespace, handlers[kind], {
        ...options(kind),
        indexBy: INDEX_BY[kind],
      });
    this.informers = {
      KiadaServiceCount: create('KiadaServiceCount'),
      Deployment: create('Deployment'),
      HorizontalPodAutoscaler: create('HorizontalPodAutoscaler'),
    };
    Object.values(this.informers).forEach((informer: Informer<WatchableKind>) => informer.start());
  }

  stop(): void {
    const informers = this.informers;
    this.informers = undefined;
    if (informers)
      Object.values(informers).forEach((informer: Informer<WatchableKind>) => informer.stop());
  }

  serviceCount(namespace: string, name: string): KiadaServiceCount | undefined {
    return this.informers?.KiadaServiceCount.get(objectKey({ namespace, name }));
  }

  deployment(namespace: string, name: string): DeploymentState | undefined {
    return this.informers?.Deployment.get(objectKey({ namespace, name }));
  }

  /** The KiadaServiceCounts that target Deployment `target` in `namespace` (an index, no scan). */
  serviceCountsTargeting(namespace: string | undefined, target: string): KiadaServiceCount[] {
    return this.informers?.KiadaServiceCount.byIndex(targetKey(namespace, target)) ?? [];
  }

  /** The HorizontalPodAutoscalers whose scaleTargetRef names `target` in `namespace`. */
  autoscalersTargeting(
    namespace: string | undefined,
    target: string,
  ): HorizontalPodAutoscalerState[] {
    return this.informers?.HorizontalPodAutoscaler.byIndex(targetKey(namespace, target)) ?? [];
  }

  /** Read-after-write: the resource as our status write returned it. */
  wroteServiceCount(resource: KiadaServiceCount): void {
    this.informers?.KiadaServiceCount.observe(resource);
  }

  /** Read-after-write: the Deployment as our scale left it. */
  wroteDeployment(deployment: DeploymentState): void {
    this.informers?.Deployment.observe(deployment);
  }
}
