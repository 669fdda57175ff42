import type {
  AppsV1Api,
  AutoscalingV2Api,
  CustomObjectsApi,
  V1Deployment,
  V2HorizontalPodAutoscaler,
} from '#kubernetes-client';
import { KiadaServiceCount, KSC_GROUP, KSC_PLURAL, KSC_VERSION } from '../kiada-service-count.js';
import type {
  ListResult,
  ListWatchOptions,
  WatchableKind,
  WatchableKinds,
} from '../kubernetes.types.js';
import { toDeploymentState, toHorizontalPodAutoscalerState } from './client-node-conversions.js';

export interface ListApis {
  apps: AppsV1Api;
  autoscaling: AutoscalingV2Api;
  custom: CustomObjectsApi;
}

/** One page of a list: client-node's typed lists carry `_continue`, custom objects `continue`. */
export interface RawList {
  items?: unknown[];
  metadata?: { resourceVersion?: string; _continue?: string; continue?: string };
}

/** Which page of a list to read (the API server's `limit` and `continue`). */
export interface ListPage {
  fieldSelector?: string;
  limit: number;
  _continue?: string;
}

/** How one watchable kind is listed, watched (its path) and converted to the port's type. */
interface KindAccess<T> {
  path(scope: string): string;
  list(apis: ListApis, namespace: string | undefined, page: ListPage): Promise<RawList>;
  convert(object: unknown): T;
}

/**
 * The caches keep what the app reads, not the field managers' bookkeeping: listed and
 * watched resources, and the ones our own writes return (read-after-write puts them in the
 * cache too).
 */
export function withoutManagedFields(object: unknown): KiadaServiceCount {
  const resource = object as KiadaServiceCount & { metadata: { managedFields?: unknown } };
  if (!resource.metadata?.managedFields) return resource;
  const metadata = { ...resource.metadata };
  delete metadata.managedFields;
  return { ...resource, metadata };
}

/** The custom resource's group, version and plural, as client-node's CustomObjectsApi takes them. */
export const KSC_COORDINATES = { group: KSC_GROUP, version: KSC_VERSION, plural: KSC_PLURAL };

/** The kinds the informers list and watch, each with its client-node calls. */
export const KINDS: { [K in WatchableKind]: KindAccess<WatchableKinds[K]> } = {
  KiadaServiceCount: {
    path: (scope) => `/apis/${KSC_GROUP}/${KSC_VERSION}${scope}/${KSC_PLURAL}`,
    list: ({ custom }, namespace, page) =>
      (namespace
        ? custom.listNamespacedCustomObject({ ...KSC_COORDINATES, namespace, ...page })
        : custom.listClusterCustomObject({ ...KSC_COORDINATES, ...page })) as Promise<RawList>,
    convert: withoutManagedFields,
  },
  Deployment: {
    path: (scope) => `/apis/apps/v1${scope}/deployments`,
    list: ({ apps }, namespace, page) =>
      namespace
        ? apps.listNamespacedDeployment({ namespace, ...page })
        : apps.listDeploymentForAllNamespaces(page),
    convert: (object) => toDeploymentState(object as V1Deployment),
  },
  HorizontalPodAutoscaler: {
    path: (scope) => `/apis/autoscaling/v2${scope}/horizontalpodautoscalers`,
    list: ({ autoscaling }, namespace, page) =>
      namespace
        ? autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace, ...page })
        : autoscaling.listHorizontalPodAutoscalerForAllNamespaces(page),
    convert: (object) => toHorizontalPodAutoscalerState(object as V2HorizontalPodAutoscaler),
  },
};

export function kindPath(kind: WatchableKind, namespace: string | undefined): string {
  return KINDS[kind].path(namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '');
}

/** The fieldSelector for one object by name. */
export function nameSelector(name: string | undefined): string | undefined {
  return name ? `metadata.name=${name}` : undefined;
}

/** Objects per list request (client-go's reflector default page size). */
export const LIST_PAGE_SIZE = 500;

/**
 * Lists every object of `kind` in pages, as client-go's reflector lists: each page is
 * converted (and its raw objects left to the GC) before the next is read, so a list of
 * thousands of Deployments never sits in memory twice. All pages come from the first page's
 * snapshot; an expired continue token fails the list, and the informer lists again.
 */
export async function listAllPages<K extends WatchableKind>(
  apis: ListApis,
  kind: K,
  namespace: string | undefined,
  options: ListWatchOptions,
): Promise<ListResult<WatchableKinds[K]>> {
  const access = KINDS[kind];
  const items: WatchableKinds[K][] = [];
  let resourceVersion = '';
  let next: string | undefined;
  do {
    const page = await access.list(apis, namespace, {
      fieldSelector: nameSelector(options.name),
      limit: LIST_PAGE_SIZE,
      _continue: next,
    });
    for (const item of page.items ?? []) items.push(access.convert(item) as WatchableKinds[K]);
    resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    next = page.metadata?._continue || page.metadata?.continue || undefined;
  } while (next);
  return { items, resourceVersion };
}
