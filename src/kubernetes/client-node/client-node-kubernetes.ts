import {
  AppsV1Api,
  AutoscalingV2Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '#kubernetes-client';
import { Clock, SystemClock } from '../../common/clock.js';
import {
  KiadaServiceCount,
  KiadaServiceCountSpec,
  KiadaServiceCountStatus,
  KSC_PLURAL,
} from '../kiada-service-count.js';
import { NO_CLUSTER_MESSAGE } from '../kube-config.js';
import { KubernetesApiError } from '../kubernetes-api.error.js';
import type {
  DeploymentState,
  EventRecord,
  LeaseState,
  ListResult,
  ListWatchOptions,
  WatchableKind,
  WatchableKinds,
  WatchCallbacks,
  WatchHandle,
} from '../kubernetes.types.js';
import type { DeploymentApi, ScaleResult } from '../ports/deployment.api.js';
import type { EventApi } from '../ports/event.api.js';
import type { LeaseApi } from '../ports/lease.api.js';
import type { ListWatchApi } from '../ports/list-watch.api.js';
import type { ServiceCountSpecApi, SpecPatchOptions } from '../ports/service-count-spec.api.js';
import type { ServiceCountStatusApi } from '../ports/service-count-status.api.js';
import {
  EventSource,
  toDeploymentState,
  toLeaseState,
  toV1Event,
  toV1Lease,
} from './client-node-conversions.js';
import { nullOn404, toKubernetesApiError } from './client-node-errors.js';
import {
  KINDS,
  kindPath,
  KSC_COORDINATES,
  listAllPages,
  ListApis,
  nameSelector,
  withoutManagedFields,
} from './client-node-kinds.js';
import { openWatch } from './client-node-watch.js';

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

interface Apis extends ListApis {
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
    /** Why there is no cluster to call, when the kubeconfig names none. */
    private readonly noClusterMessage = NO_CLUSTER_MESSAGE,
  ) {
    try {
      this.apis = {
        custom: kubeConfig.makeApiClient(CustomObjectsApi),
        apps: kubeConfig.makeApiClient(AppsV1Api),
        autoscaling: kubeConfig.makeApiClient(AutoscalingV2Api),
        core: kubeConfig.makeApiClient(CoreV1Api),
        coordination: kubeConfig.makeApiClient(CoordinationV1Api),
        watch: new Watch(kubeConfig),
      };
    } catch {
      // No current cluster in the kubeconfig (client-node: "No active cluster!"): the app
      // still starts, and every call fails with status 0 and the first-run explanation.
      this.unavailable = noClusterMessage;
    }
  }

  async getServiceCount(namespace: string, name: string): Promise<KiadaServiceCount | null> {
    return this.call(`get ${KSC_PLURAL} ${namespace}/${name}`, async ({ custom }) => {
      const found: unknown = await nullOn404(() =>
        custom.getNamespacedCustomObject({
          ...KSC_COORDINATES,
          namespace,
          name,
        }),
      );
      return found === null ? null : withoutManagedFields(found);
    });
  }

  async createServiceCount(resource: KiadaServiceCount): Promise<KiadaServiceCount> {
    const namespace = resource.metadata.namespace ?? 'default';
    return this.call(
      `create ${KSC_PLURAL} ${namespace}/${resource.metadata.name}`,
      async ({ custom }) =>
        withoutManagedFields(
          await custom.createNamespacedCustomObject({
            ...KSC_COORDINATES,
            namespace,
            body: resource,
          }),
        ),
    );
  }

  async patchServiceCountSpec(
    namespace: string,
    name: string,
    spec: Partial<KiadaServiceCountSpec>,
    { annotations, resourceVersion }: SpecPatchOptions = {},
  ): Promise<KiadaServiceCount> {
    const metadata = {
      ...(annotations ? { annotations } : {}),
      ...(resourceVersion ? { resourceVersion } : {}),
    };
    return this.patchServiceCount(namespace, name, {
      ...(Object.keys(metadata).length ? { metadata } : {}),
      spec,
    });
  }

  async annotateServiceCount(
    namespace: string,
    name: string,
    annotations: Record<string, string | null>,
  ): Promise<KiadaServiceCount> {
    return this.patchServiceCount(namespace, name, { metadata: { annotations } });
  }

  async patchServiceCountStatus(
    namespace: string,
    name: string,
    status: KiadaServiceCountStatus,
  ): Promise<KiadaServiceCount> {
    return this.call(`patch ${KSC_PLURAL}/status ${namespace}/${name}`, async ({ custom }) =>
      withoutManagedFields(
        await custom.patchNamespacedCustomObjectStatus(
          {
            ...KSC_COORDINATES,
            namespace,
            name,
            body: { status },
          },
          MERGE_PATCH,
        ),
      ),
    );
  }

  async getDeployment(namespace: string, name: string): Promise<DeploymentState | null> {
    return this.call(`get deployments ${namespace}/${name}`, async ({ apps }) => {
      const deployment = await nullOn404(() => apps.readNamespacedDeployment({ name, namespace }));
      return deployment && toDeploymentState(deployment);
    });
  }

  async scaleDeployment(namespace: string, name: string, replicas: number): Promise<ScaleResult> {
    const scale = await this.call(`scale deployments ${namespace}/${name}`, ({ apps }) =>
      apps.patchNamespacedDeploymentScale(
        { name, namespace, body: { spec: { replicas } } },
        MERGE_PATCH,
      ),
    );
    return {
      replicas: scale.spec?.replicas ?? replicas,
      ...(scale.metadata?.resourceVersion
        ? { resourceVersion: scale.metadata.resourceVersion }
        : {}),
    };
  }

  async list<K extends WatchableKind>(
    kind: K,
    namespace: string | undefined,
    options: ListWatchOptions = {},
  ): Promise<ListResult<WatchableKinds[K]>> {
    return this.call(`list ${kind} in ${namespace ?? 'all namespaces'}`, (apis) =>
      listAllPages(apis, kind, namespace, options),
    );
  }

  async watch<K extends WatchableKind>(
    kind: K,
    namespace: string | undefined,
    resourceVersion: string,
    callbacks: WatchCallbacks<WatchableKinds[K]>,
    options: ListWatchOptions = {},
  ): Promise<WatchHandle> {
    const path = kindPath(kind, namespace);
    const access = KINDS[kind];
    return this.call(`watch ${path}`, ({ watch }) =>
      openWatch(watch, path, resourceVersion, nameSelector(options.name), callbacks, (object) =>
        access.convert(object),
      ),
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

  private patchServiceCount(
    namespace: string,
    name: string,
    body: object,
  ): Promise<KiadaServiceCount> {
    return this.call(`patch ${KSC_PLURAL} ${namespace}/${name}`, async ({ custom }) =>
      withoutManagedFields(
        await custom.patchNamespacedCustomObject(
          { ...KSC_COORDINATES, namespace, name, body },
          MERGE_PATCH,
        ),
      ),
    );
  }

  private async call<T>(what: string, action: (apis: Apis) => Promise<T>): Promise<T> {
    if (!this.apis) throw new KubernetesApiError(0, this.unavailable!, 'NotConfigured');
    try {
      return await action(this.apis);
    } catch (error) {
      throw toKubernetesApiError(error, what);
    }
  }
}
