import {
  ApiException,
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  V1Deployment,
  V1Lease,
  V1MicroTime,
  Watch,
} from '@kubernetes/client-node';
import {
  KiadaServiceCount,
  KiadaServiceCountSpec,
  KiadaServiceCountStatus,
  KSC_GROUP,
  KSC_PLURAL,
  KSC_VERSION,
  ObjectMeta,
} from './kiada-service-count.js';
import { KubernetesApiError } from './kubernetes-api.error.js';
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
} from './kubernetes.gateway.js';

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const EVENT_SOURCE = 'kiada-autoscaler-operator';
const WATCH_EVENT_TYPES = new Set<string>(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK']);

interface Apis {
  custom: CustomObjectsApi;
  apps: AppsV1Api;
  core: CoreV1Api;
  coordination: CoordinationV1Api;
  watch: Watch;
}

/**
 * KubernetesGateway on @kubernetes/client-node 1.4: the custom resource through
 * CustomObjectsApi (spec and status subresource by JSON merge patch), Deployments and
 * their scale subresource through AppsV1Api, core/v1 Events, coordination/v1 Leases, and
 * `Watch` streams with bookmarks. Every failure becomes a KubernetesApiError.
 */
export class ClientNodeKubernetesGateway extends KubernetesGateway {
  private readonly apis?: Apis;
  private readonly unavailable?: string;

  constructor(
    kubeConfig: KubeConfig,
    private readonly component = EVENT_SOURCE,
    private readonly instance = '',
  ) {
    super();
    try {
      this.apis = {
        custom: kubeConfig.makeApiClient(CustomObjectsApi),
        apps: kubeConfig.makeApiClient(AppsV1Api),
        core: kubeConfig.makeApiClient(CoreV1Api),
        coordination: kubeConfig.makeApiClient(CoordinationV1Api),
        watch: new Watch(kubeConfig),
      };
    } catch (error) {
      // No usable cluster in the kubeconfig: the app still starts, and calls fail with 0.
      this.unavailable = `no Kubernetes cluster configured (${messageOf(error)})`;
    }
  }

  async getServiceCount(namespace: string, name: string): Promise<KiadaServiceCount | null> {
    return this.call(`get ${KSC_PLURAL} ${namespace}/${name}`, async ({ custom }) =>
      nullOn404(
        () =>
          custom.getNamespacedCustomObject({
            group: KSC_GROUP,
            version: KSC_VERSION,
            plural: KSC_PLURAL,
            namespace,
            name,
          }) as Promise<KiadaServiceCount>,
      ),
    );
  }

  async createServiceCount(resource: KiadaServiceCount): Promise<KiadaServiceCount> {
    const namespace = resource.metadata.namespace ?? 'default';
    return this.call(
      `create ${KSC_PLURAL} ${namespace}/${resource.metadata.name}`,
      ({ custom }) =>
        custom.createNamespacedCustomObject({
          group: KSC_GROUP,
          version: KSC_VERSION,
          plural: KSC_PLURAL,
          namespace,
          body: resource,
        }) as Promise<KiadaServiceCount>,
    );
  }

  async patchServiceCountSpec(
    namespace: string,
    name: string,
    spec: Partial<KiadaServiceCountSpec>,
  ): Promise<KiadaServiceCount> {
    return this.call(
      `patch ${KSC_PLURAL} ${namespace}/${name}`,
      ({ custom }) =>
        custom.patchNamespacedCustomObject(
          {
            group: KSC_GROUP,
            version: KSC_VERSION,
            plural: KSC_PLURAL,
            namespace,
            name,
            body: { spec },
          },
          MERGE_PATCH,
        ) as Promise<KiadaServiceCount>,
    );
  }

  async patchServiceCountStatus(
    namespace: string,
    name: string,
    status: KiadaServiceCountStatus,
  ): Promise<KiadaServiceCount> {
    return this.call(
      `patch ${KSC_PLURAL}/status ${namespace}/${name}`,
      ({ custom }) =>
        custom.patchNamespacedCustomObjectStatus(
          {
            group: KSC_GROUP,
            version: KSC_VERSION,
            plural: KSC_PLURAL,
            namespace,
            name,
            body: { status },
          },
          MERGE_PATCH,
        ) as Promise<KiadaServiceCount>,
    );
  }

  async getDeployment(namespace: string, name: string): Promise<DeploymentState | null> {
    return this.call(`get deployments ${namespace}/${name}`, async ({ apps }) => {
      const deployment = await nullOn404(() => apps.readNamespacedDeployment({ name, namespace }));
      return deployment && toDeploymentState(deployment);
    });
  }

  async scaleDeployment(namespace: string, name: string, replicas: number): Promise<void> {
    await this.call(`scale deployments ${namespace}/${name}`, ({ apps }) =>
      apps.patchNamespacedDeploymentScale(
        { name, namespace, body: { spec: { replicas } } },
        MERGE_PATCH,
      ),
    );
  }

  async list<K extends WatchableKind>(
    kind: K,
    namespace: string | undefined,
  ): Promise<ListResult<WatchableKinds[K]>> {
    return this.call(
      `list ${kind} in ${namespace ?? 'all namespaces'}`,
      async ({ apps, custom }) => {
        if (kind === 'Deployment') {
          const list = namespace
            ? await apps.listNamespacedDeployment({ namespace })
            : await apps.listDeploymentForAllNamespaces();
          return {
            items: list.items.map(toDeploymentState) as WatchableKinds[K][],
            resourceVersion: list.metadata?.resourceVersion ?? '',
          };
        }
        const coordinates = { group: KSC_GROUP, version: KSC_VERSION, plural: KSC_PLURAL };
        const list = (
          namespace
            ? await custom.listNamespacedCustomObject({ ...coordinates, namespace })
            : await custom.listClusterCustomObject(coordinates)
        ) as {
          items?: KiadaServiceCount[];
          metadata?: { resourceVersion?: string };
        };
        return {
          items: (list.items ?? []) as WatchableKinds[K][],
          resourceVersion: list.metadata?.resourceVersion ?? '',
        };
      },
    );
  }

  async watch<K extends WatchableKind>(
    kind: K,
    namespace: string | undefined,
    resourceVersion: string,
    callbacks: WatchCallbacks<WatchableKinds[K]>,
  ): Promise<WatchHandle> {
    const path = watchPath(kind, namespace);
    const convert = (object: unknown) =>
      (kind === 'Deployment'
        ? toDeploymentState(object as V1Deployment)
        : object) as WatchableKinds[K];
    let finished = false;
    let controller: AbortController | undefined;
    const finish = (error?: unknown) => {
      if (finished) return;
      finished = true;
      controller?.abort();
      callbacks.onDone(error);
    };
    return this.call(`watch ${path}`, async ({ watch }) => {
      controller = await watch.watch(
        path,
        {
          resourceVersion: resourceVersion || undefined,
          allowWatchBookmarks: true,
          // The server ends the watch cleanly after this; the informer reopens it.
          timeoutSeconds: 240 + Math.floor(Math.random() * 60),
        },
        (phase: string, object: unknown) => {
          if (finished) return;
          if (phase === 'ERROR') {
            finish(statusToError(object, `watch ${path}`));
          } else if (WATCH_EVENT_TYPES.has(phase)) {
            callbacks.onEvent(phase as WatchEventType, convert(object));
          }
        },
        (error: unknown) =>
          finish(error ? toKubernetesApiError(error, `watch ${path}`) : undefined),
      );
      if (finished) controller.abort();
      return {
        stop: () => {
          finished = true;
          controller?.abort();
        },
      };
    });
  }

  async recordEvent(event: EventRecord): Promise<void> {
    const now = new Date();
    const object = event.involvedObject;
    await this.call(
      `create event for ${object.kind} ${object.namespace}/${object.name}`,
      ({ core }) =>
        core.createNamespacedEvent({
          namespace: event.namespace,
          body: {
            metadata: {
              name: `${object.name}.${now.getTime().toString(16)}${Math.floor(Math.random() * 0xfff).toString(16)}`,
              namespace: event.namespace,
            },
            involvedObject: object,
            type: event.type,
            reason: event.reason,
            message: event.message,
            count: 1,
            firstTimestamp: now,
            lastTimestamp: now,
            source: {
              component: this.component,
              ...(this.instance ? { host: this.instance } : {}),
            },
            reportingComponent: this.component,
            reportingInstance: this.instance || this.component,
          },
        }),
    );
  }

  async getLease(namespace: string, name: string): Promise<LeaseState | null> {
    return this.call(`get lease ${namespace}/${name}`, async ({ coordination }) => {
      const lease = await nullOn404(() => coordination.readNamespacedLease({ name, namespace }));
      return lease && toLeaseState(lease);
    });
  }

  async createLease(lease: LeaseState): Promise<LeaseState> {
    const namespace = lease.metadata.namespace ?? 'default';
    return this.call(`create lease ${namespace}/${lease.metadata.name}`, async ({ coordination }) =>
      toLeaseState(await coordination.createNamespacedLease({ namespace, body: toV1Lease(lease) })),
    );
  }

  async replaceLease(lease: LeaseState): Promise<LeaseState> {
    const namespace = lease.metadata.namespace ?? 'default';
    const name = lease.metadata.name;
    return this.call(`replace lease ${namespace}/${name}`, async ({ coordination }) =>
      toLeaseState(
        await coordination.replaceNamespacedLease({ name, namespace, body: toV1Lease(lease) }),
      ),
    );
  }

  private async call<T>(what: string, action: (apis: Apis) => Promise<T>): Promise<T> {
    if (!this.apis) throw new KubernetesApiError(0, `${what}: ${this.unavailable}`);
    try {
      return await action(this.apis);
    } catch (error) {
      throw toKubernetesApiError(error, what);
    }
  }
}

function watchPath(kind: WatchableKind, namespace: string | undefined): string {
  const scope = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return kind === 'Deployment'
    ? `/apis/apps/v1${scope}/deployments`
    : `/apis/${KSC_GROUP}/${KSC_VERSION}${scope}/${KSC_PLURAL}`;
}

async function nullOn404<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (statusCodeOf(error) === 404) return null;
    throw error;
  }
}

function statusCodeOf(error: unknown): number {
  if (error instanceof KubernetesApiError) return error.statusCode;
  if (error instanceof ApiException) return error.code;
  const code = (error as { statusCode?: unknown; code?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : 0;
}

/** Normalises any client error: ApiException -> its HTTP status, network errors -> 0. */
export function toKubernetesApiError(error: unknown, what: string): KubernetesApiError {
  if (error instanceof KubernetesApiError) return error;
  if (error instanceof ApiException) {
    const status = parseStatus(error.body);
    return new KubernetesApiError(
      error.code,
      `${what}: ${status?.message ?? `HTTP ${error.code}`}`,
      status?.reason,
    );
  }
  const statusCode = statusCodeOf(error);
  if (statusCode) return new KubernetesApiError(statusCode, `${what}: ${messageOf(error)}`);
  return new KubernetesApiError(
    0,
    `${what}: Kubernetes API server unreachable (${messageOf(error)})`,
  );
}

function statusToError(object: unknown, what: string): KubernetesApiError {
  const status = (object ?? {}) as { code?: number; message?: string; reason?: string };
  return new KubernetesApiError(
    typeof status.code === 'number' ? status.code : 500,
    `${what}: ${status.message ?? 'watch error'}`,
    status.reason,
  );
}

function parseStatus(body: unknown): { message?: string; reason?: string } | undefined {
  try {
    const parsed: unknown = typeof body === 'string' ? JSON.parse(body) : body;
    return parsed && typeof parsed === 'object'
      ? (parsed as { message?: string; reason?: string })
      : undefined;
  } catch {
    return typeof body === 'string' && body ? { message: body } : undefined;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isoOf(value: unknown): string | undefined {
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' ? value : undefined;
}

function toMeta(metadata: V1Deployment['metadata'] | undefined): ObjectMeta {
  const meta: ObjectMeta = { name: metadata?.name ?? '' };
  if (metadata?.namespace) meta.namespace = metadata.namespace;
  if (metadata?.uid) meta.uid = metadata.uid;
  if (metadata?.generation !== undefined) meta.generation = metadata.generation;
  if (metadata?.resourceVersion) meta.resourceVersion = metadata.resourceVersion;
  const created = isoOf(metadata?.creationTimestamp);
  if (created) meta.creationTimestamp = created;
  if (metadata?.labels) meta.labels = metadata.labels;
  if (metadata?.annotations) meta.annotations = metadata.annotations;
  return meta;
}

/** Works on deserialised objects and on raw watch JSON alike. */
export function toDeploymentState(deployment: V1Deployment): DeploymentState {
  return {
    metadata: toMeta(deployment.metadata),
    replicas: deployment.spec?.replicas ?? 1,
    readyReplicas: deployment.status?.readyReplicas ?? 0,
    observedGeneration: deployment.status?.observedGeneration ?? 0,
  };
}

function toLeaseState(lease: V1Lease): LeaseState {
  const spec = lease.spec ?? {};
  const state: LeaseState = { metadata: toMeta(lease.metadata) };
  if (spec.holderIdentity) state.holderIdentity = spec.holderIdentity;
  if (spec.leaseDurationSeconds !== undefined)
    state.leaseDurationSeconds = spec.leaseDurationSeconds;
  const acquireTime = isoOf(spec.acquireTime);
  if (acquireTime) state.acquireTime = acquireTime;
  const renewTime = isoOf(spec.renewTime);
  if (renewTime) state.renewTime = renewTime;
  if (spec.leaseTransitions !== undefined) state.leaseTransitions = spec.leaseTransitions;
  return state;
}

function toV1Lease(lease: LeaseState): V1Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: lease.metadata.name,
      namespace: lease.metadata.namespace,
      resourceVersion: lease.metadata.resourceVersion,
      labels: lease.metadata.labels,
      annotations: lease.metadata.annotations,
    },
    spec: {
      holderIdentity: lease.holderIdentity,
      leaseDurationSeconds: lease.leaseDurationSeconds,
      leaseTransitions: lease.leaseTransitions,
      // MicroTime: the API server wants microsecond precision, which V1MicroTime writes.
      acquireTime: lease.acquireTime ? new V1MicroTime(lease.acquireTime) : undefined,
      renewTime: lease.renewTime ? new V1MicroTime(lease.renewTime) : undefined,
    },
  };
}
