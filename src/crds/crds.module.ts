import { type DynamicModule, Module } from '@nestjs/common';
import { AppConfigModule, type AppConfig } from '../config/index.js';
import { KubernetesCrdsModule } from '../kubernetes/kubernetes-crds.module.js';
import { CRD_MANIFEST_PATH, CrdSchemaService } from './crd-schema.service.js';

/** The whole `crds` role: its configuration, CustomResourceDefinitionApi and the service. */
@Module({})
export class CrdsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CrdsModule,
      imports: [AppConfigModule.forRoot(config), KubernetesCrdsModule],
      providers: [
        CrdSchemaService,
        { provide: CRD_MANIFEST_PATH, useValue: config.crdManifestPath },
      ],
    };
  }
}
