import { KubernetesApiError } from '../kubernetes-api.error.js';
import type {
  EventRecord,
  LeaseState,
  ListResult,
  ListWatchOptions,
  WatchableKind,
  WatchableKinds,
  WatchCallbacks,
  WatchEventType,
  WatchHandle,
} from '../kubernetes.types.js';
import type { EventApi } from '../ports/event.api.js';
import type { LeaseApi } from '../ports/lease.api.js';
import type { ListWatchApi } from '../ports/list-watch.api.js';
import { RecordingFake } from './recording-fake.js';

export const key = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;
export const clone = <T>(value: T): T => structuredClone(value);

type Meta = { metadata: { name: string; namespace?: string } };

interface Watcher {
  kind: WatchableKind;
  namespace?: string;
  name?: string;
  callbacks: WatchCallbacks<unknown>;
}

/**
 * The generic part of the unit tests' API server: objects by kind with a resourceVersion
 * counter, list and watch (by namespace and name), Events and Leases. Watch events are
 * delivered on a later turn of the event loop, as from a real server, so a controller that
 * writes on every event it causes cannot recurse.
 */
export abstract class InMemoryApiServer<M extends string>
  extends RecordingFake<M | 'list' | 'watch' | 'recordEvent' | keyof LeaseApi>
  implements ListWatchApi, EventApi, LeaseApi
{
  readonly events: EventRecord[] = [];
  protected readonly objects: { [K in WatchableKind]: Map<string, WatchableKinds[K]> } = {
    KiadaServiceCount: new Map(),
    Deployment: new Map(),
    HorizontalPodAutoscaler: new Map(),
  };
  private readonly leases = new Map<string, LeaseState>();
  private readonly watchers = new Set<Watcher>();
  protected revision = 1;

  /** Ends every open watch with `error` (e.g. a 410 Gone), as a dropped connection would. */
  breakWatches(error?: unknown): void {
    const open = [...this.watchers];
    this.watchers.clear();
    open.forEach((watcher) => watcher.callbacks.onDone(error));
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  async list<K extends WatchableKind>(
    kind: K,
    namespace: string | undefined,
    options: ListWatchOptions = {},
  ): Promise<ListResult<WatchableKinds[K]>> {
    this.enter('list', [kind, namespace, ...(options.name ? [options] : [])]);
    const items = [...this.objects[kind].values()].filter((item) =>
      matches(item as Meta, namespace, options.name),
    );
    return { items: clone(items), resourceVersion: String(this.revision) };
  }

  async watch<K extends WatchableKind>(
    kind: K,
    namespace: string | undefined,
    resourceVersion: string,
    callbacks: WatchCallbacks<WatchableKinds[K]>,
    options: ListWatchOptions = {},
  ): Promise<WatchHandle> {
    this.enter('watch', [kind, namespace, resourceVersion, ...(options.name ? [options] : [])]);
    const watcher: Watcher = {
      kind,
      namespace,
      name: options.name,
      callbacks: callbacks as WatchCallbacks<unknown>,
    };
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
    if (this.leases.has(id)) {
      throw new KubernetesApiError(409, 'lease already exists', 'AlreadyExists');
    }
    return this.storeLease(id, lease);
  }

  async replaceLease(lease: LeaseState): Promise<LeaseState> {
    this.enter('replaceLease', [clone(lease)]);
    const id = key(lease.metadata.namespace, lease.metadata.name);
    const existing = this.leases.get(id);
    if (!existing) throw new KubernetesApiError(404, 'lease not found', 'NotFound');
    if (existing.metadata.resourceVersion !== lease.metadata.resourceVersion) {
      throw new KubernetesApiError(409, 'the object has been modified', 'Conflict');
    }
    return this.storeLease(id, lease);
  }

  /** Stores `object` under its kind and tells the watches (ADDED or MODIFIED). */
  protected put<K extends WatchableKind>(kind: K, object: WatchableKinds[K]): void {
    const meta = (object as Meta).metadata;
    const id = key(meta.namespace, meta.name);
    const existed = this.objects[kind].has(id);
    this.objects[kind].set(id, object);
    this.emit(kind, existed ? 'MODIFIED' : 'ADDED', object);
  }

  protected remove(kind: WatchableKind, namespace: string, name: string): void {
    const existing = this.objects[kind].get(key(namespace, name));
    if (!existing) return;
    this.objects[kind].delete(key(namespace, name));
    this.emit(kind, 'DELETED', existing);
  }

  private storeLease(id: string, lease: LeaseState): LeaseState {
    const stored = clone({
      ...lease,
      metadata: { ...lease.metadata, resourceVersion: String(++this.revision) },
    });
    this.leases.set(id, stored);
    return clone(stored);
  }

  private emit(kind: WatchableKind, type: WatchEventType, object: unknown): void {
    const event = clone(object);
    for (const watcher of this.watchers) {
      if (watcher.kind === kind && matches(object as Meta, watcher.namespace, watcher.name)) {
        // A later turn, as a real watch would deliver it; skipped if the watch was stopped.
        setImmediate(() => {
          if (this.watchers.has(watcher)) watcher.callbacks.onEvent(type, clone(event));
        });
      }
    }
  }
}

function matches(object: Meta, namespace: string | undefined, name: string | undefined): boolean {
  return (
    (namespace === undefined || object.metadata.namespace === namespace) &&
    (name === undefined || object.metadata.name === name)
  );
}
