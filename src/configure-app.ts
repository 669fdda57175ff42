import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import type { AppConfig } from './config/index.js';
import { serveDashboard } from './dashboard/serve-dashboard.js';
import { configureHttpApp } from './http/configure-http-app.js';

/**
 * The HTTP app of a role, as main.ts and the e2e tests build it: the platform's pipeline
 * (http/), then what the features add to it: the OpenAPI document with the session cookie
 * as its security scheme, and the dashboard's files. Here, in the composition root, so
 * that http/ knows no feature.
 */
export async function configureApp(
  app: NestFastifyApplication,
  config: AppConfig,
  pino: Logger,
): Promise<void> {
  configureHttpApp(app, config, pino);
  if (config.role !== 'operator') {
    // Imported here: the operator serves no document and does not load @nestjs/swagger.
    const { setUpSwagger } = await import('./http/swagger.js');
    const { SESSION_COOKIE_NAME } = await import('./auth/auth.constants.js');
    setUpSwagger(app, { sessionCookieName: SESSION_COOKIE_NAME });
  }
  serveDashboard(app, config, pino);
}
