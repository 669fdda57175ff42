import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/index.js';
import { ClientNodeCustomResourceDefinitions } from './client-node/client-node-crds.js';
import { loadKubeConfig } from './kube-config.js';
import { CustomResourceDefinitionApi } from './ports/custom-resource-definition.api.js';

const NO_CLUSTER =
  'No Kubernetes cluster configured (no KUBECONFIG, no ~/.kube/config, not in a pod): the crds role updates a CustomResourceDefinition in a cluster; run it in a pod (the chart does) or set KUBECONFIG';

/**
 * CustomResourceDefinitionApi on its own adapter, apart from KubernetesModule: only the
 * `crds` role writes CRDs, and the other roles never build this client.
 */
@Module({
  providers: [
    {
      provide: CustomResourceDefinitionApi,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) =>
        new ClientNodeCustomResourceDefinitions(
          loadKubeConfig(config.get('kubernetes', { infer: true }).kubeconfigPath),
          NO_CLUSTER,
        ),
    },
  ],
  exports: [CustomResourceDefinitionApi],
})
export class KubernetesCrdsModule {}
