import { type DynamicModule, Module } from '@nestjs/common';
import { AppConfigModule, type AppConfig } from '../config/index.js';
import { KubernetesSecretsModule } from '../kubernetes/kubernetes-secrets.module.js';
import { GeneratedSecretService } from './generated-secret.service.js';

/** The whole `secrets` role: its configuration, SecretApi and the service. */
@Module({})
export class SecretsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: SecretsModule,
      imports: [AppConfigModule.forRoot(config), KubernetesSecretsModule],
      providers: [GeneratedSecretService],
    };
  }
}
