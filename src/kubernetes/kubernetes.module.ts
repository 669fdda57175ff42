import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Clock } from '../common/clock.js';
import type { AppConfig } from '../config/index.js';
import { ClientNodeKubernetes } from './client-node/client-node-kubernetes.js';
import { isClusterConfigured, loadKubeConfig, NO_CLUSTER_MESSAGE } from './kube-config.js';
import { DeploymentApi } from './ports/deployment.api.js';
import { EventApi } from './ports/event.api.js';
import { LeaseApi } from './ports/lease.api.js';
import { ListWatchApi } from './ports/list-watch.api.js';
import { ServiceCountSpecApi } from './ports/service-count-spec.api.js';
import { ServiceCountStatusApi } from './ports/service-count-status.api.js';

/** The ports, each bound to the one @kubernetes/client-node adapter of the process. */
export const KUBERNETES_PORTS = [
  ServiceCountSpecApi,
  ServiceCountStatusApi,
  DeploymentApi,
  ListWatchApi,
  EventApi,
  LeaseApi,
] as const;

/**
 * Provides the narrow Kubernetes ports (the api role injects ServiceCountSpecApi and
 * EventApi; the operator the others), all backed by one ClientNodeKubernetes. Tests
 * override them with an InMemoryKubernetes (`overrideKubernetes` in its file).
 */
@Module({
  providers: [
    {
      provide: ClientNodeKubernetes,
      inject: [ConfigService, Clock],
      useFactory: (config: ConfigService<AppConfig, true>, clock: Clock) => {
        const { kubeconfigPath, eventSource } = config.get('kubernetes', { infer: true });
        const noCluster = isClusterConfigured(kubeconfigPath)
          ? `The Kubernetes configuration (${kubeconfigPath ?? '~/.kube/config'}) names no usable cluster: fix it, or point KUBECONFIG at another`
          : NO_CLUSTER_MESSAGE;
        return new ClientNodeKubernetes(
          loadKubeConfig(kubeconfigPath),
          eventSource,
          clock,
          noCluster,
        );
      },
    },
    ...KUBERNETES_PORTS.map((port) => ({ provide: port, useExisting: ClientNodeKubernetes })),
  ],
  exports: [...KUBERNETES_PORTS],
})
export class KubernetesModule {}
