import type { KiadaServiceCount, KiadaServiceCountSpec, KiadaServiceCountStatus } from '../kiada-service-count.js';
import { KubernetesApiError } from '../kubernetes-api.error.js';
import {
  DeploymentState,
  EventRecord,
  KubernetesGateway,
  LeaseState,
  ListResult,
  WatchableKind,
  WatchableKinds,
  WatchCallbacks,
  WatchEventType,
  WatchHandle,
} from '../kubernetes.gateway.js';

type Method = Exclude<keyof KubernetesGateway, 'constructor'>;

export interface RecordedCall {
  method: Method;
  args: unknown[];
}

const key = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;
const clone = <T>(value: T): T => structuredClone(value);

/**
 * An in-memory API server for unit tests: keeps objects, bumps resourceVersion and
 * generation like the real one, delivers watch events synchronously, records every call,
 * and fails calls on demand (`failNext`).
 */
export class InMemoryKubernetesGateway extends KubernetesGateway {
  readonly calls: RecordedCall[] = [];
  readonly events: EventRecord[] = [];
  /** When true, scaling a Deployment also makes all its replicas ready at once. */
  autoReady = true;

  private readonly serviceCounts = new Map<string, KiadaServiceCount>();
  private readonly deployments = new Map<string, DeploymentState>();
  private readonly leases = new Map<string, LeaseState>();
  private readonly failures: Array<{ method: Method; error: KubernetesApiError }> = [];
  private readonly watchers = new Set<{
    kind: WatchableKind;
    namespace?: string;
    callbacks: WatchCallbacks<unknown>;
  }>();
  private revision = 1;

  /** The next call of `method` rejects with this status (0 = unreachable). */
  failNext(method: Method, statusCode: number, times = 1): void {
    for (let i = 0; i < times; i++) {
      this.failures.push({
        method,
        error: new KubernetesApiError(statusCode, `injected ${statusCode} on ${method}`),
      });
    }
  }

  callsOf(method: Method): unknown[][] {
    return this.calls.filter((call) => call.method === method).map((call) => call.args);
  }

  /** Ends every open watch with `error` (e.g. a 410 Gone), as a dropped connection would. */
  breakWatches(error?: unknown): void {
    const open = [...this.watchers];
    this.watchers.clear();
    open.forEach((watcher) => watcher.callbacks.onDone(error));
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  // ---- test set-up, not part of the port ----

  putServiceCount(resource: Omit<KiadaServiceCount, 'apiVersion' | 'kind'> & Partial<KiadaServiceCount>): KiadaServiceCount {
    const existing = this.serviceCounts.get(key(resource.metadata.namespace, resource.metadata.name));
    const stored: KiadaServiceCount = clone({
      apiVersion: 'hanyang.ac.kr/v1',
      kind: 'KiadaServiceCount',
      ...resource,
      metadata: {
        ...resource.metadata,
        uid: existing?.metadata.uid ?? `uid-${this.revision}`,
        generation: existing
          ? (existing.metadata.generation ?? 1) +
            (JSON.stringify(existing.spec) === JSON.stringify(resource.spec) ? 0 : 1)
          : 1,
        resourceVersion: String(++this.revision),
        creationTimestamp: existing?.metadata.creationTimestamp ?? new Date(0).toISOString(),
      },
    });
    this.serviceCounts.set(key(stored.metadata.namespace, stored.metadata.name), stored);
    this.emit('KiadaServiceCount', existing ? 'MODIFIED' : 'ADDED', stored);
    return clone(stored);
  }

  deleteServiceCount(namespace: string, name: string): void {
    const existing = this.serviceCounts.get(key(namespace, name));
    if (!existing) return;
    this.serviceCounts.delete(key(namespace, name));
    this.emit('KiadaServiceCount', 'DELETED', existing);
  }

  serviceCount(namespace: string, name: string): KiadaServiceCount | undefined {
    const found = this.serviceCounts.get(key(namespace, name));
    return found && clone(found);
  }

  putDeployment(namespace: string, name: string, replicas: number, readyReplicas = replicas): DeploymentState {
    const existing = this.deployments.get(key(namespace, name));
    const generation = (existing?.metadata.generation ?? 0) + (existing?.replicas === replicas ? 0 : 1);
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
    this.deployments.set(key(namespace, name), stored);
    this.emit('Deployment', existing ? 'MODIFIED' : 'ADDED', stored);
    return clone(stored);
  }

  deployment(namespace: string, name: string): DeploymentState | undefined {
    const found = this.deployments.get(key(namespace, name));
    return found && clone(found);
  }

  // ---- the port ----

  async getServiceCount(namespace: string, name: string): Promise<KiadaServiceCount | null> {
    this.enter('getServiceCount', [namespace, name]);
    return this.serviceCount(namespace, name) ?? null;
  }

  async createServiceCount(resource: KiadaServiceCount): Promise<KiadaServiceCount> {
    this.enter('createServiceCount', [clone(resource)]);
    if (this.serviceCounts.has(key(resource.metadata.namespace, resource.metadata.name))) {
      throw new KubernetesApiError(409, `${resource.metadata.name} already exists`, 'AlreadyExists');
    }
    return this.putServiceCount(resource);
  }

  async patchServiceCountSpec(
    namespace: string,
    name: string,
    spec: Partial<KiadaServiceCountSpec>,
  ): Promise<KiadaServiceCount> {
    this.enter('patchServiceCountSpec', [namespace, name, clone(spec)]);
    const existing = this.mustGet(namespace, name);
    return this.putServiceCount({ ...existing, spec: { ...existing.spec, ...spec } });
  }

  async patchServiceCountStatus(
    namespace: string,
    name: string,
    status: KiadaServiceCountStatus,
  ): Promise<KiadaServiceCount> {
    this.enter('patchServiceCountStatus', [namespace, name, clone(status)]);
    const existing = this.mustGet(namespace, name);
    return this.putServiceCount({ ...existing, status: { ...existing.status, ...status } });
  }

  async getDeployment(namespace: string, name: string): Promise<DeploymentState | null> {
    this.enter('getDeployment', [namespace, name]);
    return this.deployment(namespace, name) ?? null;
  }

  async scaleDeployment(namespace: string, name: string, replicas: number): Promise<void> {
    this.enter('scaleDeployment', [namespace, name, replicas]);
    const existing = this.deployments.get(key(namespace, name));
    if (!existing) throw new KubernetesApiError(404, `deployments "${name}" not found`, 'NotFound');
    this.putDeployment(namespace, name, replicas, this.autoReady ? replicas : existing.readyReplicas);
  }

  async list<K extends WatchableKind>(kind: K, namespace: string | undefined): Promise<ListResult<WatchableKinds[K]>> {
    this.enter('list', [kind, namespace]);
    const store = (kind === 'Deployment' ? this.deployments : this.serviceCounts) as Map<string, WatchableKinds[K]>;
    const items = [...store.values()].filter(
      (item) => namespace === undefined || (item as { metadata: { namespace?: string } }).metadata.namespace === namespace,
    );
    return { items: clone(items), resourceVersion: String(this.revision) };
  }

  async watch<K extends WatchableKind>(
    kind: K,
    namespace: string | undefined,
    resourceVersion: string,
    callbacks: WatchCallbacks<WatchableKinds[K]>,
  ): Promise<WatchHandle> {
    this.enter('watch', [kind, namespace, resourceVersion]);
    const watcher = { kind, namespace, callbacks: callbacks as WatchCallbacks<unknown> };
    this.watchers.add(watcher);
    return { stop: () => this.watchers.delete(watcher) };
  }

  async recordEvent(event: EventRecord): Promise<void> {
    this.enter('recordEvent', [clone(event)]);
    this.events.push(clone(event));
  }

  async getLease(namespace: string, name: string): Promise<LeaseState | null> {
    this.enter('getLease', [namespace, name]);
    const found = this.leases.get(key(namespace, name));
    return found ? clone(found) : null;
  }

  async createLease(lease: LeaseState): Promise<LeaseState> {
    this.enter('createLease', [clone(lease)]);
    const id = key(lease.metadata.namespace, lease.metadata.name);
    if (this.leases.has(id)) throw new KubernetesApiError(409, 'lease already exists', 'AlreadyExists');
    const stored = clone({ ...lease, metadata: { ...lease.metadata, resourceVersion: String(++this.revision) } });
    this.leases.set(id, stored);
    return clone(stored);
  }

  async replaceLease(lease: LeaseState): Promise<LeaseState> {
    this.enter('replaceLease', [clone(lease)]);
    const id = key(lease.metadata.namespace, lease.metadata.name);
    const existing = this.leases.get(id);
    if (!existing) throw new KubernetesApiError(404, 'lease not found', 'NotFound');
    if (existing.metadata.resourceVersion !== lease.metadata.resourceVersion) {
      throw new KubernetesApiError(409, 'the object has been modified', 'Conflict');
    }
    const stored = clone({ ...lease, metadata: { ...lease.metadata, resourceVersion: String(++this.revision) } });
    this.leases.set(id, stored);
    return clone(stored);
  }

  private enter(method: Method, args: unknown[]): void {
    this.calls.push({ method, args });
    const index = this.failures.findIndex((failure) => failure.method === method);
    if (index >= 0) {
      const [failure] = this.failures.splice(index, 1);
      throw failure.error;
    }
  }

  private mustGet(namespace: string, name: string): KiadaServiceCount {
    const existing = this.serviceCounts.get(key(namespace, name));
    if (!existing) {
      throw new KubernetesApiError(404, `kiadaservicecounts "${name}" not found`, 'NotFound');
    }
    return clone(existing);
  }

  private emit(kind: WatchableKind, type: WatchEventType, object: unknown): void {
    const namespace = (object as { metadata: { namespace?: string } }).metadata.namespace;
    for (const watcher of this.watchers) {
      if (watcher.kind === kind && (watcher.namespace === undefined || watcher.namespace === namespace)) {
        watcher.callbacks.onEvent(type, clone(object));
      }
    }
  }
}
