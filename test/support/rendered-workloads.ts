import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { kubeClients, kubectl } from './kubernetes.js';
import { withScratchFile } from './scratch-file.js';

const run = promisify(execFile);

/** One object of a rendered chart, as JSON. */
export interface RenderedObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: { template?: { spec: PodSpec } };
  [field: string]: unknown;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    fieldRef?: { fieldPath: string };
  };
}

interface Container {
  name: string;
  env?: EnvVar[];
  envFrom?: Array<{
    prefix?: string;
    secretRef?: { name: string };
    configMapRef?: { name: string };
  }>;
}

interface PodSpec {
  serviceAccountName?: string;
  containers: Container[];
}

/** `helm template <release> <chart> <args...>`: the rendered YAML. */
export async function helmTemplate(
  release: string,
  chart: string,
  args: string[],
): Promise<string> {
  const { stdout } = await run('helm', ['template', release, chart, ...args], {
    env: process.env,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

/**
 * The chart's CRDs applied the way its README tells `helm template | kubectl apply` users:
 * `helm show crds <chart> | kubectl apply --server-side -f -`, before the rest (kubectl
 * cannot apply a KiadaServiceCount in the same run as its CRD); then until Established.
 */
export async function applyChartCrds(chart: string): Promise<void> {
  const { stdout } = await run('helm', ['show', 'crds', chart], { env: process.env });
  await withScratchFile('crds.yaml', stdout, async (file) => {
    await kubectl('apply', '--server-side', '-f', file);
    await kubectl('wait', '--for=condition=Established', '--timeout=60s', '-f', file);
  });
}

/** Rendered YAML as objects (kubectl reads it, without the server). */
export async function renderedObjects(yaml: string, label: string): Promise<RenderedObject[]> {
  const out = await withScratchFile(`render-${label}.yaml`, yaml, (file) =>
    kubectl('create', '--dry-run=client', '--output', 'json', '-f', file),
  );
  // One pretty JSON object after the other, each opening and closing at column 0.
  return out
    .trim()
    .split(/(?<=^})\n(?={)/m)
    .map((chunk) => JSON.parse(chunk) as RenderedObject);
}

/** The object of this kind and name; fails naming what the render holds instead. */
export function renderedObject(
  objects: RenderedObject[],
  kind: string,
  name: string,
): RenderedObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) {
    const have = objects.map((object) => `${object.kind}/${object.metadata.name}`).join(', ');
    throw new Error(`the render has no ${kind}/${name} (it has ${have})`);
  }
  return found;
}

export interface PodContext {
  namespace: string;
  /** What metadata.name of the pod would be. */
  podName: string;
  /**
   * What the cluster's DNS would give: `host:port` of a Service -> the local address that
   * stands in for it (e.g. a MariaDB process for the bundled MySQL's Service).
   */
  services?: Record<string, string>;
}

/**
 * The environment of one container of a rendered Deployment, StatefulSet or Job, as the
 * kubelet would build it from the cluster: literal values with $(VAR) expanded, values from
 * Secrets and ConfigMaps read from the API server now, envFrom, and the pod's name and
 * namespace. Addresses of Services are replaced by their local stand-ins.
 */
export async function containerEnv(
  workload: RenderedObject,
  containerName: string,
  { namespace, podName, services = {} }: PodContext,
): Promise<Record<string, string>> {
  const container = podSpec(workload).containers.find((c) => c.name === containerName);
  if (!container) {
    throw new Error(`${workload.kind}/${workload.metadata.name} has no container ${containerName}`);
  }
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const data = source.secretRef
      ? await secretData(namespace, source.secretRef.name)
      : await configMapData(namespace, source.configMapRef!.name);
    for (const [key, value] of Object.entries(data)) env[`${source.prefix ?? ''}${key}`] = value;
  }
  for (const variable of container.env ?? []) {
    const { name, value, valueFrom } = variable;
    if (valueFrom?.secretKeyRef) {
      const ref = valueFrom.secretKeyRef;
      env[name] = required(await secretData(namespace, ref.name), ref.key, `Secret ${ref.name}`);
    } else if (valueFrom?.configMapKeyRef) {
      const ref = valueFrom.configMapKeyRef;
      env[name] = required(
        await configMapData(namespace, ref.name),
        ref.key,
        `ConfigMap ${ref.name}`,
      );
    } else if (valueFrom?.fieldRef) {
      const fields: Record<string, string> = {
        'metadata.name': podName,
        'metadata.namespace': namespace,
      };
      env[name] = required(fields, valueFrom.fieldRef.fieldPath, 'the pod');
    } else {
      // The kubelet expands $(VAR) from the variables defined before this one.
      env[name] = (value ?? '').replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (ref, v: string) =>
        v in env ? env[v] : ref,
      );
    }
  }
  for (const [name, value] of Object.entries(env)) {
    env[name] = Object.entries(services).reduce(
      (current, [service, local]) => current.split(service).join(local),
      value,
    );
  }
  return env;
}

/** The ServiceAccount a rendered workload's pods run as. */
export function serviceAccountOf(workload: RenderedObject): string {
  return podSpec(workload).serviceAccountName ?? 'default';
}

function podSpec(workload: RenderedObject): PodSpec {
  const spec = workload.spec?.template?.spec;
  if (!spec) throw new Error(`${workload.kind}/${workload.metadata.name} has no pod template`);
  return spec;
}

function required(data: Record<string, string>, key: string, where: string): string {
  if (!(key in data)) throw new Error(`${where} has no key ${key}: the pod would not start`);
  return data[key];
}

/** A Secret's data, decoded; fails as the kubelet would when it does not exist. */
export async function secretData(namespace: string, name: string): Promise<Record<string, string>> {
  const secret = await kubeClients().core.readNamespacedSecret({ name, namespace });
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([key, value]) => [
      key,
      Buffer.from(value, 'base64').toString('utf8'),
    ]),
  );
}

async function configMapData(namespace: string, name: string): Promise<Record<string, string>> {
  return (await kubeClients().core.readNamespacedConfigMap({ name, namespace })).data ?? {};
}
