import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AppConfig } from '../config/index.js';
import { GeneratedSecretService } from './generated-secret.service.js';
import { SecretsModule } from './secrets.module.js';

/** APP_ROLE=secrets: create or complete the one Secret (a hook Job runs this) and return. */
export async function runSecretsRole(config: AppConfig, logger: LoggerService): Promise<void> {
  const context = await NestFactory.createApplicationContext(SecretsModule.forRoot(config), {
    logger,
    abortOnError: false,
  });
  try {
    await context.get(GeneratedSecretService).ensure();
  } finally {
    await context.close();
  }
}
