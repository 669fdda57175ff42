import { readFileSync } from 'node:fs';
import { loadYaml, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import {
  KSC_API_VERSION,
  KSC_GROUP,
  KSC_KIND,
  KSC_PLURAL,
  KSC_VERSION,
  type KiadaServiceCount,
  type KiadaServiceCountSpec,
} from '../../src/kubernetes/kiada-service-count.js';
import { isNotFound, kubeClients, kubectl } from './kubernetes.js';
import { waitFor } from './wait.js';

/** The CRD as the chart installs it. */
export const CRD_PATH = 'helm/kiada-autoscaler/crds/kiadaservicecounts.hanyang.ac.kr.yaml';

/** The watch/list path of the KiadaServiceCounts in `namespace`. */
export function serviceCountsPath(namespace: string): string {
  return `/apis/${KSC_GROUP}/${KSC_VERSION}/namespaces/${namespace}/${KSC_PLURAL}`;
}

/** Creates (or updates) the CRD from the chart's file and waits until it is Established. */
export async function applyCrd(): Promise<void> {
  const { extensions } = kubeClients();
  const crd = loadYaml<V1CustomResourceDefinition>(readFileSync(CRD_PATH, 'utf8'));
  const name = crd.metadata!.name!;
  try {
    const existing = await extensions.readCustomResourceDefinition({ name });
    crd.metadata!.resourceVersion = existing.metadata!.resourceVersion;
    await extensions.replaceCustomResourceDefinition({ name, body: crd });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await extensions.createCustomResourceDefinition({ body: crd });
  }
  await waitFor(`CRD ${name} Established`, async () => {
    const current = await extensions.readCustomResourceDefinition({ name });
    return current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
  });
}

export async function createServiceCount(
  namespace: string,
  name: string,
  spec: KiadaServiceCountSpec,
  annotations: Record<string, string> = {},
): Promise<void> {
  const { custom } = kubeClients();
  await custom.createNamespacedCustomObject({
    group: KSC_GROUP,
    version: KSC_VERSION,
    namespace,
    plural: KSC_PLURAL,
    body: { apiVersion: KSC_API_VERSION, kind: KSC_KIND, metadata: { name, annotations }, spec },
  });
}

export async function getServiceCount(namespace: string, name: string): Promise<KiadaServiceCount> {
  const { custom } = kubeClients();
  return (await custom.getNamespacedCustomObject({
    group: KSC_GROUP,
    version: KSC_VERSION,
    namespace,
    plural: KSC_PLURAL,
    name,
  })) as KiadaServiceCount;
}

/**
 * `kubectl patch ksc <name>` as a user types it: a merge patch (an object), or a JSON patch
 * (an array of operations). Resolves to kubectl's output; rejects with its stderr.
 */
export function patchServiceCount(namespace: string, name: string, patch: object): Promise<string> {
  const type = Array.isArray(patch) ? 'json' : 'merge';
  return kubectl(
    'patch',
    'ksc',
    name,
    '--namespace',
    namespace,
    '--type',
    type,
    '--patch',
    JSON.stringify(patch),
  );
}
