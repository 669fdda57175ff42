import { existsSync } from 'node:fs';
import { delimiter } from 'node:path';
import { Logger } from '@nestjs/common';
import { KubeConfig } from '@kubernetes/client-node';

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const logger = new Logger('KubeConfig');

/**
 * How the process reaches the cluster: the KUBECONFIG file(s) when set, else the Pod's
 * service account when running in a cluster, else ~/.kube/config. Never throws: with no
 * usable configuration the app still starts and every Kubernetes call fails with status 0.
 */
export function loadKubeConfig(kubeconfigPath: string | undefined): KubeConfig {
  const kubeConfig = new KubeConfig();
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
    return new KubeConfig();
  }
  return kubeConfig;
}
