import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AppConfig } from '../config/index.js';
import { CrdSchemaService } from './crd-schema.service.js';
import { CrdsModule } from './crds.module.js';

/** APP_ROLE=crds: apply the chart's CRD schema (a `helm upgrade` hook Job runs this) and return. */
export async function runCrdsRole(config: AppConfig, logger: LoggerService): Promise<void> {
  const context = await NestFactory.createApplicationContext(CrdsModule.forRoot(config), {
    logger,
    abortOnError: false,
  });
  try {
    await context.get(CrdSchemaService).apply();
  } finally {
    await context.close();
  }
}
