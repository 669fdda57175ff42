import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/index.js';
import { ClientNodeKubernetesGateway } from './client-node.kubernetes.gateway.js';
import { loadKubeConfig } from './kube-config.js';
import { KubernetesGateway } from './kubernetes.gateway.js';

/**
 * Provides the KubernetesGateway port backed by @kubernetes/client-node. Tests override
 * the provider (`.overrideProvider(KubernetesGateway).useValue(new InMemoryKubernetesGateway())`).
 */
@Module({
  providers: [
    {
      provide: KubernetesGateway,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) =>
        new ClientNodeKubernetesGateway(
          loadKubeConfig(config.get('kubernetes', { infer: true }).kubeconfigPath),
          'kiada-autoscaler',
          config.get('operator', { infer: true }).identity,
        ),
    },
  ],
  exports: [KubernetesGateway],
})
export class KubernetesModule {}
