import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Logger } from '@nestjs/common';
import { KubeConfig } from '#kubernetes-client';
import { KeepAliveKubeConfig } from './client-node/keep-alive-kube-config.js';

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** What a first run without any cluster says (in the log and in /scaling/status). */
export const NO_CLUSTER_MESSAGE =
  'No Kubernetes cluster configured (no KUBECONFIG, no ~/.kube/config, not in a pod): ' +
  'scaling is idle, auth works. To scale, point it at a cluster: ' +
  'KUBECONFIG=/path/to/kubeconfig (kind: kind get kubeconfig > kubeconfig), or run it in a pod.';

export interface KubeConfigSources {
  homeDir?: string;
  serviceAccountToken?: string;
}

/** Whether any cluster is configured: a KUBECONFIG, a pod's service account, or ~/.kube/config. */
export function isClusterConfigured(
  kubeconfigPath: string | undefined,
  { homeDir = homedir(), serviceAccountToken = SERVICE_ACCOUNT_TOKEN }: KubeConfigSources = {},
): boolean {
  return (
    (kubeconfigPath ?? '').split(delimiter).some(Boolean) ||
    existsSync(serviceAccountToken) ||
    existsSync(join(homeDir, '.kube', 'config'))
  );
}
const logger = new Logger('KubeConfig');

/**
 * How the process reaches the cluster: the KUBECONFIG file(s) when set, else the Pod's
 * service account when running in a cluster, else ~/.kube/config. Never throws: with no
 * usable configuration the app still starts and every Kubernetes call fails with status 0.
 */
export function loadKubeConfig(
  kubeconfigPath: string | undefined,
  sources: KubeConfigSources = {},
): KubeConfig {
  const kubeConfig = new KeepAliveKubeConfig();
  if (!isClusterConfigured(kubeconfigPath, sources)) {
    // Not client-node's fallback (http://localhost:8080), whose errors explain nothing.
    logger.warn(NO_CLUSTER_MESSAGE);
    return kubeConfig;
  }
  try {
    const files = (kubeconfigPath ?? '').split(delimiter).filter(Boolean);
    if (files.length) {
      kubeConfig.loadFromFile(files[0]);
      for (const file of files.slice(1)) {
        const extra = new KubeConfig();
        extra.loadFromFile(file);
        kubeConfig.mergeConfig(extra, true);
      }
    } else if (existsSync(SERVICE_ACCOUNT_TOKEN)) {
      kubeConfig.loadFromCluster();
    } else {
      kubeConfig.loadFromDefault();
    }
    const cluster = kubeConfig.getCurrentCluster();
    logger.log(
      cluster
        ? `Kubernetes API server ${cluster.server} (context ${kubeConfig.getCurrentContext()})`
        : 'The kubeconfig names no current cluster; Kubernetes calls will fail',
    );
  } catch (error) {
    logger.error(
      `Could not load the Kubernetes configuration${kubeconfigPath ? ` from ${kubeconfigPath}` : ''}: ` +
        `${error instanceof Error ? error.message : String(error)}; Kubernetes calls will fail until it is fixed`,
    );
    return new KeepAliveKubeConfig();
  }
  return kubeConfig;
}
