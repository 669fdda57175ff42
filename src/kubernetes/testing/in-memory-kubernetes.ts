import type {
  KiadaServiceCount,
  KiadaServiceCountSpec,
  KiadaServiceCountStatus,
} from '../kiada-service-count.js';
import { KubernetesApiError } from '../kubernetes-api.error.js';
import type {
  DeploymentState,
  EventRecord,
  LeaseState,
  ListResult,
  WatchableKind,
  WatchableKinds,
  WatchCallbacks,
  WatchEventType,
  WatchHandle,
} from '../kubernetes.types.js';
import type { DeploymentApi } from '../ports/deployment.api.js';
import type { EventApi } from '../ports/event.api.js';
import type { LeaseApi } from '../ports/lease.api.js';
import { RecordingFake } from './recording-fake.js';
import type { ListWatchApi } from '../ports/list-watch.api.js';
import type { ServiceCountSpecApi } from '../ports/service-count-spec.api.js';
import type { ServiceCountStatusApi } from '../ports/service-count-status.api.js';

type Port = ServiceCountSpecApi &
  ServiceCountStatusApi &
  DeploymentApi &
  ListWatchApi &
  EventApi &
  LeaseApi;
export type Method = keyof Port;

/** More writes than this to one object in one test can only be a write loop. */
export const WRITE_LOOP_LIMIT = 500;

const key = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;
const clone = <T>(value: T): T => structuredClone(value);

/**
 * An in-memory API server for unit tests, implementing every Kubernetes port: keeps
 * objects, bumps resourceVersion and generation like the real one, records every call, and
 * fails calls on demand (`failNext`). Watch events are delivered asynchronously (on a
 * later turn of the event loop, as from a real server), so a controller that writes on
 * every event it causes cannot recurse; and more than WRITE_LOOP_LIMIT writes to one
 * object throw, so such a loop fails its test at once instead of running out of memory.
 */
export class InMemoryKubernetes extends RecordingFake<Method> implements Port {
  readonly events: EventRecord[] = [];
  /** When true, scaling a Deployment also makes all its replicas ready at once. */
  autoReady = true;

  private readonly serviceCounts = new Map<string, KiadaServiceCount>();
  private readonly deployments = new Map<string, DeploymentState>();
  private readonly leases = new Map<string, LeaseState>();
  private readonly watchers = new Set<{
    kind: WatchableKind;
    namespace?: string;
    callbacks: WatchCallbacks<unknown>;
  }>();
  private revision = 1;

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

  putServiceCount(
    resource: Omit<KiadaServiceCount, 'apiVersion' | 'kind'> & Partial<KiadaServiceCount>,
  ): KiadaServiceCount {
    const existing = this.serviceCounts.get(
      key(resource.metadata.namespace, resource.metadata.name),
    );
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

  putDeployment(
    namespace: string,
    name: string,
    replicas: number,
    readyReplicas = replicas,
  ): DeploymentState {
    const existing = this.deployments.get(key(namespace, name));
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
  ): Promise<KiadaServiceCount> {
    this.enter('patchServiceCountSpec', [namespace, name, clone(spec)]);
    this.countWrite(`KiadaServiceCount ${key(namespace, name)}`);
    const existing = this.mustGet(namespace, name);
    return this.putServiceCount({ ...existing, spec: { ...existing.spec, ...spec } });
  }

  async patchServiceCountStatus(
    namespace: string,
    name: string,
    status: KiadaServiceCountStatus,
  ): Promise<KiadaServiceCount> {
    this.enter('patchServiceCountStatus', [namespace, name, clone(status)]);
    this.countWrite(`KiadaServiceCount ${key(namespace, name)}`);
    const existing = this.mustGet(namespace, name);
    return this.putServiceCount({ ...existing, status: { ...existing.status, ...status } });
  }

  async getDeployment(namespace: string, name: string): Promise<DeploymentState | null> {
    this.enter('getDeployment', [namespace, name]);
    return this.deployment(namespace, name) ?? null;
  }

  async scaleDeployment(namespace: string, name: string, replicas: number): Promise<void> {
    this.enter('scaleDeployment', [namespace, name, replicas]);
    this.countWrite(`Deployment ${key(namespace, name)}`);
    const existing = this.deployments.get(key(namespace, name));
    if (!existing) throw new KubernetesApiError(404, `deployments "${name}" not found`, 'NotFound');
    this.putDeployment(
      namespace,
      name,
      replicas,
      this.autoReady ? replicas : existing.readyReplicas,
    );
  }

  async list<K extends WatchableKind>(
    kind: K,
    namespace: string | undefined,
  ): Promise<ListResult<WatchableKinds[K]>> {
    this.enter('list', [kind, namespace]);
    const store = (kind === 'Deployment' ? this.deployments : this.serviceCounts) as Map<
      string,
      WatchableKinds[K]
    >;
    const items = [...store.values()].filter(
      (item) =>
        namespace === undefined ||
        (item as { metadata: { namespace?: string } }).metadata.namespace === namespace,
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
    if (this.leases.has(id))
      throw new KubernetesApiError(409, 'lease already exists', 'AlreadyExists');
    const stored = clone({
      ...lease,
      metadata: { ...lease.metadata, resourceVersion: String(++this.revision) },
    });
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
    const stored = clone({
      ...lease,
      metadata: { ...lease.metadata, resourceVersion: String(++this.revision) },
    });
    this.leases.set(id, stored);
    return clone(stored);
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
    const event = clone(object);
    for (const watcher of this.watchers) {
      if (
        watcher.kind === kind &&
        (watcher.namespace === undefined || watcher.namespace === namespace)
      ) {
        // A later turn, as a real watch would deliver it; skipped if the watch was stopped.
        setImmediate(() => {
          if (this.watchers.has(watcher)) watcher.callbacks.onEvent(type, clone(event));
        });
      }
    }
  }
}
