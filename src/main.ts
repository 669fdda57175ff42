import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import { ConfigError, loadConfigFromEnvironment, type AppConfig } from './config/index.js';
import { configureApp } from './configure-app.js';
import { describeConnectionFailure } from './database/database-connection-failure.js';
import { createHttpAdapter, HTTP_APP_OPTIONS } from './http/configure-http-app.js';
import { createPino } from './logging/create-pino.js';
import { PinoLoggerService } from './logging/pino-logger.service.js';

function loadConfigOrExit(): AppConfig {
  try {
    return loadConfigFromEnvironment();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit();
  const pino = createPino(config.log);
  const logger = new PinoLoggerService(pino);
  try {
    await start(config, logger, pino);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    // A database that refuses this configuration: one line that says why, not a stack.
    const refused = describeConnectionFailure(error, config.database);
    logger.fatal(
      refused ?? (error instanceof Error ? (error.stack ?? error.message) : String(error)),
      refused ? 'Database' : 'Bootstrap',
    );
    process.exit(1);
  }
}

async function start(
  config: AppConfig,
  logger: PinoLoggerService,
  pino: ReturnType<typeof createPino>,
): Promise<void> {
  if (config.role === 'migrate') {
    // No Nest application here: route Nest's Logger to pino, so LOG_FORMAT holds here too.
    Logger.overrideLogger(logger);
    // Imported here: only this role needs TypeORM's migration runner.
    const { runMigrations } = await import('./database/run-migrations.js');
    await runMigrations(config.database);
    return;
  }
  if (config.role === 'crds') {
    // No HTTP server: apply the chart's CRD schema, then exit (a helm upgrade hook Job).
    const { runCrdsRole } = await import('./crds/run-crds-role.js');
    await runCrdsRole(config, logger);
    return;
  }
  if (config.role === 'secrets') {
    // No HTTP server: create the chart's generated Secret, then exit (a hook Job).
    const { runSecretsRole } = await import('./secrets/run-secrets-role.js');
    await runSecretsRole(config, logger);
    return;
  }
  if (config.session.secretGenerated && config.role !== 'operator') {
    logger.warn(
      'SESSION_SECRET is not set: using a random secret, so sessions end when this process stops',
      'Bootstrap',
    );
  }

  const app = await NestFactory.create<NestFastifyApplication>(
    await AppModule.forRoot(config),
    createHttpAdapter(config),
    // abortOnError false: a failed start-up reaches bootstrap's catch instead of exiting.
    { logger, ...HTTP_APP_OPTIONS, abortOnError: false },
  );
  await configureApp(app, config, pino);
  await app.listen(config.http.port, config.http.host);
  logger.log(
    `${config.role} role listening on ${config.http.host}:${config.http.port}`,
    'Bootstrap',
  );
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
