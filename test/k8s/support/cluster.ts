import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import {
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  loadYaml,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';


const run = promisify(execFile);

export const CRD_PATH = 'helm/kiada-autoscaler/crds/kiadaservicecounts.hanyang.ac.kr.yaml';
export const GROUP = 'hanyang.ac.kr';
export const VERSION = 'v1';
export const PLURAL = 'kiadaservicecounts';

/** The cluster the suite runs against: whatever KUBECONFIG names (kind, the local control plane, ...). */
export function adminKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  if (!process.env.KUBECONFIG) throw new Error('KUBECONFIG is not set: run through `npm run test:e2e`');
  kc.loadFromFile(process.env.KUBECONFIG);
  return kc;
}

export function clients(kc = adminKubeConfig()) {
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    extensions: kc.makeApiClient(ApiextensionsV1Api),
  };
}

/** Runs kubectl (from PATH, which `test/e2e.sh` sets) against the suite's cluster. */
export async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', args, { env: process.env, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

export async function kubectlFails(...args: string[]): Promise<string> {
  try {
    await run('kubectl', args, { env: process.env });
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error);
  }
  throw new Error(`kubectl ${args.join(' ')} succeeded, but it was expected to fail`);
}

/** Polls `probe` until it returns a value other than undefined/false, or fails naming `what`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  { timeoutMs = 30_000, intervalMs = 200 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Creates the CRD from the chart's crds/ file (or updates it) and waits until it is Established. */
export async function applyCrd(): Promise<void> {
  const { extensions } = clients();
  const crd = loadYaml<V1CustomResourceDefinition>(readFileSync(CRD_PATH, 'utf8'));
  const name = crd.metadata!.name!;
  try {
    const existing = await extensions.readCustomResourceDefinition({ name });
    crd.metadata!.resourceVersion = existing.metadata!.resourceVersion;
    await extensions.replaceCustomResourceDefinition({ name, body: crd });
  } catch (error) {
    if ((error as { code?: number }).code !== 404) throw error;
    await extensions.createCustomResourceDefinition({ body: crd });
  }
  await waitFor(`CRD ${name} Established`, async () => {
    const current = await extensions.readCustomResourceDefinition({ name });
    return current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
  });
}

let namespaceCounter = 0;

/** A fresh namespace for one spec; the suite deletes it afterwards. */
export async function createNamespace(prefix: string): Promise<string> {
  const { core } = clients();
  const name = `${prefix}-${process.pid}-${Date.now().toString(36)}-${namespaceCounter++}`.slice(0, 63);
  await core.createNamespace({ body: { metadata: { name, labels: { 'kiada-autoscaler/e2e': 'true' } } } });
  // The ServiceAccount controller makes `default`; tokens and pods need it.
  await waitFor(`service account default in ${name}`, () =>
    core.readNamespacedServiceAccount({ name: 'default', namespace: name }).then(() => true),
  );
  return name;
}

export async function deleteNamespace(name: string): Promise<void> {
  const { core } = clients();
  await core.deleteNamespace({ name }).catch((error: { code?: number }) => {
    if (error.code !== 404) throw error;
  });
}

/** The Deployment the autoscaler drives: pods become Running and Ready through kwok's fake nodes. */
export async function createTargetDeployment(namespace: string, name = 'kiada', replicas = 1): Promise<void> {
  const { apps } = clients();
  await apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name, labels: { app: name } },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: {
            // kwok's fake nodes: pods are scheduled there and made Ready without running anything.
            tolerations: [{ key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' }],
            containers: [{ name, image: 'luksa/kiada:0.1', ports: [{ containerPort: 8080 }] }],
          },
        },
      },
    },
  });
}

export interface ServiceCountObject {
  metadata: { name: string; namespace: string; generation?: number; resourceVersion?: string };
  spec: { owner?: string; kiadaServiceCount: number; targetRef?: { name?: string } };
  status?: {
    ready?: boolean;
    observedGeneration?: number;
    replicas?: number;
    readyReplicas?: number;
    lastScaleTime?: string;
    conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
  };
}

export async function getServiceCount(namespace: string, name: string): Promise<ServiceCountObject> {
  const { custom } = clients();
  return (await custom.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name })) as ServiceCountObject;
}

export async function readyPods(namespace: string, app = 'kiada'): Promise<number> {
  const { core } = clients();
  const pods = await core.listNamespacedPod({ namespace, labelSelector: `app=${app}` });
  return pods.items.filter(
    (pod) =>
      !pod.metadata?.deletionTimestamp &&
      pod.status?.phase === 'Running' &&
      pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  ).length;
}
