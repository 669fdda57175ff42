import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  ApiextensionsV1Api,
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  VersionApi,
} from '@kubernetes/client-node';

const run = promisify(execFile);

/**
 * The admin kubeconfig of the cluster the suites and benchmarks run against: whatever
 * KUBECONFIG names (kind, the local control plane of test/cluster, ...).
 */
export function adminKubeConfig(): KubeConfig {
  if (!process.env.KUBECONFIG) {
    throw new Error('KUBECONFIG is not set: run through `npm run test:e2e` or `npm run bench`');
  }
  const kc = new KubeConfig();
  kc.loadFromFile(process.env.KUBECONFIG);
  return kc;
}

/** The API clients the suites and benchmarks use, on one kubeconfig (admin by default). */
export function kubeClients(kc = adminKubeConfig()) {
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    extensions: kc.makeApiClient(ApiextensionsV1Api),
    coordination: kc.makeApiClient(CoordinationV1Api),
    version: kc.makeApiClient(VersionApi),
  };
}

/** The API server's version, e.g. `v1.36.3`. */
export async function kubernetesVersion(): Promise<string> {
  return (await kubeClients().version.getCode()).gitVersion;
}

/** Whether a client-node error is the API server's 404 Not Found. */
export function isNotFound(error: unknown): boolean {
  return (error as { code?: number } | null)?.code === 404;
}

/** Runs kubectl (from PATH, which `test/e2e.sh` sets) against KUBECONFIG's cluster. */
export async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', args, { env: process.env, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** Runs kubectl expecting it to fail; returns its stderr. */
export async function kubectlFails(...args: string[]): Promise<string> {
  try {
    await run('kubectl', args, { env: process.env });
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error);
  }
  throw new Error(`kubectl ${args.join(' ')} succeeded, but it was expected to fail`);
}
