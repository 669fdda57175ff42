import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/index.js';
import { ClientNodeSecrets } from './client-node/client-node-secrets.js';
import { loadKubeConfig } from './kube-config.js';
import { SecretApi } from './ports/secret.api.js';

const NO_CLUSTER =
  'No Kubernetes cluster configured (no KUBECONFIG, no ~/.kube/config, not in a pod): the secrets role creates Secrets in a cluster; run it in a pod (the chart does) or set KUBECONFIG';

/**
 * SecretApi on its own adapter, apart from KubernetesModule: only the `secrets` role
 * reads or writes Secrets, and the other roles never build this client.
 */
@Module({
  providers: [
    {
      provide: SecretApi,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) =>
        new ClientNodeSecrets(
          loadKubeConfig(config.get('kubernetes', { infer: true }).kubeconfigPath),
          NO_CLUSTER,
        ),
    },
  ],
  exports: [SecretApi],
})
export class KubernetesSecretsModule {}
