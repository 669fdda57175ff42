import type {
  KiadaServiceCount,
  KiadaServiceCountSpec,
  KiadaServiceCountStatus,
} from '../kiada-service-count.js';
import { KubernetesApiError } from '../kubernetes-api.error.js';
import type { DeploymentState, HorizontalPodAutoscalerState } from '../kubernetes.types.js';
import type { DeploymentApi, ScaleResult } from '../ports/deployment.api.js';
import type { ServiceCountSpecApi, SpecPatchOptions } from '../ports/service-count-spec.api.js';
import type { ServiceCountStatusApi } from '../ports/service-count-status.api.js';
import { clone, InMemoryApiServer, key } from './in-memory-api-server.js';

type ResourceMethod = keyof ServiceCountSpecApi | keyof ServiceCountStatusApi | keyof DeploymentApi;

/**
 * An in-memory API server for unit tests, implementing every Kubernetes port: keeps
 * KiadaServiceCounts, Deployments and HorizontalPodAutoscalers, bumps resourceVersion and
 * generation like the real one, honours resourceVersion preconditions, records every call,
 * and fails calls on demand (`failNext`). Watch events arrive on a later turn; more than
 * WRITE_LOOP_LIMIT writes to one object throw, so a write loop fails its test at once.
 */
export class InMemoryKubernetes
  extends InMemoryApiServer<ResourceMethod>
  implements ServiceCountSpecApi, ServiceCountStatusApi, DeploymentApi
{
  /** When true, scaling a Deployment makes all its replicas ready on the next turn. */
  autoReady = true;

  // ---- test set-up, not part of the ports ----

  putServiceCount(
    resource: Omit<KiadaServiceCount, 'apiVersion' | 'kind'> & Partial<KiadaServiceCount>,
  ): KiadaServiceCount {
    const { namespace, name } = resource.metadata;
    const existing = this.objects.KiadaServiceCount.get(key(namespace, name));
    const specChanged = JSON.stringify(existing?.spec) !== JSON.stringify(resource.spec);
    const stored: KiadaServiceCount = clone({
      apiVersion: 'hanyang.ac.kr/v1',
      kind: 'KiadaServiceCount',
      ...resource,
      metadata: {
        ...resource.metadata,
        uid: existing?.metadata.uid ?? `uid-${this.revision}`,
        generation: existing ? (existing.metadata.generation ?? 1) + (specChanged ? 1 : 0) : 1,
        resourceVersion: String(++this.revision),
        creationTimestamp:
          resource.metadata.creationTimestamp ??
          existing?.metadata.creationTimestamp ??
          new Date(0).toISOString(),
      },
    });
    this.put('KiadaServiceCount', stored);
    return clone(stored);
  }

  deleteServiceCount(namespace: string, name: string): void {
    this.remove('KiadaServiceCount', namespace, name);
  }

  serviceCount(namespace: string, name: string): KiadaServiceCount | undefined {
    const found = this.objects.KiadaServiceCount.get(key(namespace, name));
    return found && clone(found);
  }

  putDeployment(
    namespace: string,
    name: string,
    replicas: number,
    readyReplicas = replicas,
  ): DeploymentState {
    const existing = this.objects.Deployment.get(key(namespace, name));
    const generation =
      (existing?.metadata.generation ?? 0) + (existing?.replicas === replicas ? 0 : 1);
    const stored: DeploymentState = {
      metadata: {
        name,
        namespace,
        uid: existing?.metadata.uid ?? `uid-${this.revision}`,
        generation,
        resourceVersion: String(++this.revision),
      },
      replicas,
      readyReplicas,
      observedGeneration: generation,
    };
    this.put('Deployment', stored);
    return clone(stored);
  }

  deployment(namespace: string, name: string): DeploymentState | undefined {
    const found = this.objects.Deployment.get(key(namespace, name));
    return found && clone(found);
  }

  /** An autoscaling/v2 HorizontalPodAutoscaler on Deployment `target`. */
  putHorizontalPodAutoscaler(namespace: string, name: string, target: string): void {
    const hpa: HorizontalPodAutoscalerState = {
      metadata: { name, namespace, resourceVersion: String(++this.revision) },
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
    };
    this.put('HorizontalPodAutoscaler', hpa);
  }

  deleteHorizontalPodAutoscaler(namespace: string, name: string): void {
    this.remove('HorizontalPodAutoscaler', namespace, name);
  }

  // ---- the ports ----

  async getServiceCount(namespace: string, name: string): Promise<KiadaServiceCount | null> {
    this.enter('getServiceCount', [namespace, name]);
    return this.serviceCount(namespace, name) ?? null;
  }

  async createServiceCount(resource: KiadaServiceCount): Promise<KiadaServiceCount> {
    this.enter('createServiceCount', [clone(resource)]);
    if (this.serviceCount(resource.metadata.namespace ?? '', resource.metadata.name)) {
      throw new KubernetesApiError(
        409,
        `${resource.metadata.name} already exists`,
        'AlreadyExists',
      );
    }
    return this.putServiceCount(resource);
  }

  async patchServiceCountSpec(
    namespace: string,
    name: string,
    spec: Partial<KiadaServiceCountSpec>,
    options?: SpecPatchOptions,
  ): Promise<KiadaServiceCount> {
    this.enter('patchServiceCountSpec', [
      namespace,
      name,
      clone(spec),
      ...(options ? [clone(options)] : []),
    ]);
    const existing = this.writable(namespace, name, options?.resourceVersion);
    return this.putServiceCount({
      ...existing,
      metadata: withAnnotations(existing.metadata, options?.annotations),
      spec: { ...existing.spec, ...spec },
    });
  }

  async annotateServiceCount(
    namespace: string,
    name: string,
    annotations: Record<string, string | null>,
  ): Promise<KiadaServiceCount> {
    this.enter('annotateServiceCount', [namespace, name, clone(annotations)]);
    const existing = this.writable(namespace, name);
    return this.putServiceCount({
      ...existing,
      metadata: withAnnotations(existing.metadata, annotations),
    });
  }

  async patchServiceCountStatus(
    namespace: string,
    name: string,
    status: KiadaServiceCountStatus,
  ): Promise<KiadaServiceCount> {
    this.enter('patchServiceCountStatus', [namespace, name, clone(status)]);
    const existing = this.writable(namespace, name);
    return this.putServiceCount({ ...existing, status: { ...existing.status, ...status } });
  }

  async getDeployment(namespace: string, name: string): Promise<DeploymentState | null> {
    this.enter('getDeployment', [namespace, name]);
    return this.deployment(namespace, name) ?? null;
  }

  async scaleDeployment(namespace: string, name: string, replicas: number): Promise<ScaleResult> {
    this.enter('scaleDeployment', [namespace, name, replicas]);
    this.countWrite(`Deployment ${key(namespace, name)}`);
    const existing = this.deployment(namespace, name);
    if (!existing) throw new KubernetesApiError(404, `deployments "${name}" not found`, 'NotFound');
    const stored = this.putDeployment(namespace, name, replicas, existing.readyReplicas);
    if (this.autoReady && existing.readyReplicas !== replicas) {
      // The pods become ready later, in an update of their own, as on a real cluster.
      setImmediate(() => {
        if (this.deployment(namespace, name)?.replicas === replicas) {
          this.putDeployment(namespace, name, replicas, replicas);
        }
      });
    }
    return { replicas, resourceVersion: stored.metadata.resourceVersion };
  }

  /** The resource, for a write: counts it (write loops), 404 if missing, 409 if stale. */
  private writable(namespace: string, name: string, resourceVersion?: string): KiadaServiceCount {
    this.countWrite(`KiadaServiceCount ${key(namespace, name)}`);
    const existing = this.serviceCount(namespace, name);
    if (!existing) {
      throw new KubernetesApiError(404, `kiadaservicecounts "${name}" not found`, 'NotFound');
    }
    if (resourceVersion !== undefined && existing.metadata.resourceVersion !== resourceVersion) {
      throw new KubernetesApiError(409, 'the object has been modified', 'Conflict');
    }
    return existing;
  }
}

/** A JSON merge patch of annotations: null removes one. */
function withAnnotations(
  metadata: KiadaServiceCount['metadata'],
  patch: Record<string, string | null> | undefined,
): KiadaServiceCount['metadata'] {
  if (!patch) return metadata;
  const annotations = { ...metadata.annotations };
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete annotations[name];
    else annotations[name] = value;
  }
  return { ...metadata, annotations };
}
