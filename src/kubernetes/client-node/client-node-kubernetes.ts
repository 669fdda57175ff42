import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  V1Deployment,
  Watch,
} from '@kubernetes/client-node';
import { Clock, SystemClock } from '../../common/clock.js';
import { errorMessage } from '../../common/error-message.js';
import {
  KiadaServiceCount,
  KiadaServiceCountSpec,
  KiadaServiceCountStatus,
  KSC_GROUP,
  KSC_PLURAL,
  KSC_VERSION,
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
  WatchHandle,
} from '../kubernetes.types.js';
import type { DeploymentApi } from '../ports/deployment.api.js';
import type { EventApi } from '../ports/event.api.js';
import type { LeaseApi } from '../ports/lease.api.js';
import type { ListWatchApi } from '../ports/list-watch.api.js';
import type { ServiceCountSpecApi } from '../ports/service-count-spec.api.js';
import type { ServiceCountStatusApi } from '../ports/service-count-status.api.js';
import {
  EventSource,
  toDeploymentState,
  toLeaseState,
  toV1Event,
  toV1Lease,
} from './client-node-conversions.js';
import { nullOn404, toKubernetesApiError } from './client-node-errors.js';
import { openWatch } from './client-node-watch.js';

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

interface Apis {
  custom: CustomObjectsApi;
  apps: AppsV1Api;
  core: CoreV1Api;
  coordination: CoordinationV1Api;
  watch: Watch;
}

/**
 * Every Kubernetes port on @kubernetes/client-node 1.4, in one adapter (one set of HTTP
 * clients): the custom resource through CustomObjectsApi (spec and status subresource by
 * JSON merge patch), Deployments and their scale subresource through AppsV1Api, core/v1
 * Events, coordination/v1 Leases, and `Watch` streams with bookmarks. Every failure
 * becomes a KubernetesApiError. Consumers never see this class: they inject the narrow
 * port they need (KubernetesModule binds each to this instance).
 */
export class ClientNodeKubernetes
  implements
    ServiceCountSpecApi,
    ServiceCountStatusApi,
    DeploymentApi,
    ListWatchApi,
    EventApi,
    LeaseApi
{
  private readonly apis?: Apis;
  private readonly unavailable?: string;

  constructor(
    kubeConfig: KubeConfig,
    private readonly eventSource: EventSource = { component: 'kiada-autoscaler', instance: '' },
    private readonly clock: Clock = new SystemClock(),
  ) {
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
      this.unavailable = `no Kubernetes cluster configured (${errorMessage(error)})`;
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
    return this.call(`watch ${path}`, ({ watch }) =>
      openWatch(watch, path, resourceVersion, callbacks, convert),
    );
  }

  async recordEvent(event: EventRecord): Promise<void> {
    const object = event.involvedObject;
    await this.call(
      `create event for ${object.kind} ${object.namespace}/${object.name}`,
      ({ core }) =>
        core.createNamespacedEvent({
          namespace: event.namespace,
          body: toV1Event(event, this.eventSource, new Date(this.clock.now())),
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
