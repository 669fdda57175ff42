import type {
  AppsV1Api,
  AutoscalingV2Api,
  CustomObjectsApi,
  V1Deployment,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import { KiadaServiceCount, KSC_GROUP, KSC_PLURAL, KSC_VERSION } from '../kiada-service-count.js';
import type { WatchableKind, WatchableKinds } from '../kubernetes.types.js';
import { toDeploymentState, toHorizontalPodAutoscalerState } from './client-node-conversions.js';

export interface ListApis {
  apps: AppsV1Api;
  autoscaling: AutoscalingV2Api;
  custom: CustomObjectsApi;
}

interface RawList {
  items?: unknown[];
  metadata?: { resourceVersion?: string };
}

/** How one watchable kind is listed, watched (its path) and converted to the port's type. */
interface KindAccess<T> {
  path(scope: string): string;
  list(apis: ListApis, namespace: string | undefined, fieldSelector?: string): Promise<RawList>;
  convert(object: unknown): T;
}

const KSC_COORDINATES = { group: KSC_GROUP, version: KSC_VERSION, plural: KSC_PLURAL };

/** The kinds the informers list and watch, each with its client-node calls. */
export const KINDS: { [K in WatchableKind]: KindAccess<WatchableKinds[K]> } = {
  KiadaServiceCount: {
    path: (scope) => `/apis/${KSC_GROUP}/${KSC_VERSION}${scope}/${KSC_PLURAL}`,
    list: ({ custom }, namespace, fieldSelector) =>
      (namespace
        ? custom.listNamespacedCustomObject({ ...KSC_COORDINATES, namespace, fieldSelector })
        : custom.listClusterCustomObject({
            ...KSC_COORDINATES,
            fieldSelector,
          })) as Promise<RawList>,
    convert: (object) => object as KiadaServiceCount,
  },
  Deployment: {
    path: (scope) => `/apis/apps/v1${scope}/deployments`,
    list: ({ apps }, namespace, fieldSelector) =>
      namespace
        ? apps.listNamespacedDeployment({ namespace, fieldSelector })
        : apps.listDeploymentForAllNamespaces({ fieldSelector }),
    convert: (object) => toDeploymentState(object as V1Deployment),
  },
  HorizontalPodAutoscaler: {
    path: (scope) => `/apis/autoscaling/v2${scope}/horizontalpodautoscalers`,
    list: ({ autoscaling }, namespace, fieldSelector) =>
      namespace
        ? autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace, fieldSelector })
        : autoscaling.listHorizontalPodAutoscalerForAllNamespaces({ fieldSelector }),
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
