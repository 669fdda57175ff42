import type { KubeConfig, V1Deployment } from '@kubernetes/client-node';
import { watch } from '../bench/lib/watch.js';
import type { KiadaServiceCount } from '../src/kubernetes/kiada-service-count.js';
import { serviceCountsPath } from '../test/support/custom-resource.js';
import { RESOURCE_NAME, TARGET_NAME } from './settings.js';

/** A change of the Deployment's spec.replicas, as a watch delivered it. */
interface ReplicasChange {
  replicas: number | undefined;
  /** performance.now() when the event arrived (bench/lib/watch.ts). */
  at: number;
}

/**
 * The demo's own view of the cluster, from two watches (independent of the app's informers,
 * as the benchmark measures): the KiadaServiceCount's desired replicas and the Deployment's
 * spec.replicas and ready replicas, with a timeline of spec.replicas changes.
 */
export class ClusterView {
  desired: number | undefined;
  specReplicas: number | undefined;
  readyReplicas = 0;
  readonly changes: ReplicasChange[] = [];
  private readonly watches: Array<{ stop(): void }>;
  private readonly waiters = new Set<() => void>();

  constructor(kc: KubeConfig, namespace: string) {
    this.watches = [
      watch<KiadaServiceCount>(kc, serviceCountsPath(namespace), {}, (type, object) => {
        if (object?.metadata?.name !== RESOURCE_NAME) return;
        this.desired = type === 'DELETED' ? undefined : object.spec?.kiadaServiceCount;
      }),
      watch<V1Deployment>(
        kc,
        `/apis/apps/v1/namespaces/${namespace}/deployments`,
        {},
        (type, object, at) => {
          if (object?.metadata?.name !== TARGET_NAME) return;
          const replicas = type === 'DELETED' ? undefined : object.spec?.replicas;
          this.readyReplicas = type === 'DELETED' ? 0 : (object.status?.readyReplicas ?? 0);
          if (replicas !== this.specReplicas) {
            this.specReplicas = replicas;
            this.changes.push({ replicas, at });
            this.waiters.forEach((wake) => wake());
          }
        },
      ),
    ];
  }

  /**
   * When (performance.now()) spec.replicas first became `replicas` in a change after the
   * first `from` changes; null after `timeoutMs`.
   */
  replicasAt(replicas: number, from: number, timeoutMs: number): Promise<number | null> {
    return new Promise((resolve) => {
      const check = () => {
        const found = this.changes.slice(from).find((change) => change.replicas === replicas);
        if (!found) return;
        done();
        resolve(found.at);
      };
      const timer = setTimeout(() => {
        done();
        resolve(null);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  stop(): void {
    this.watches.forEach((w) => w.stop());
  }
}
