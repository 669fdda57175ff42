import { ValidationPipe, type NestApplicationOptions } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/index.js';
import { requestLogging } from '../logging/request-logging.middleware.js';
import { serveDashboard } from '../dashboard/serve-dashboard.js';
import { setUpSwagger } from './swagger.js';
import { answerUndeclaredMethods, expressRouterOf } from './undeclared-method.middleware.js';
import { VALIDATION_OPTIONS } from './validation.js';

/** Options of the Nest application, shared by main.ts and the e2e tests. */
export const HTTP_APP_OPTIONS = {
  // Body parsers are set up by configureHttpApp, with their limits.
  bodyParser: false,
  // While stopping, new requests get 503 with Connection: close, so kept-alive connections
  // (a dashboard's EventSource reconnecting) do not hold the shutdown.
  return503OnClosing: true,
} satisfies NestApplicationOptions;

/**
 * The HTTP pipeline shared by main.ts and the e2e tests, so tests exercise exactly what
 * users get: request ids and logs, security headers, body limits, strict DTO validation.
 * Sessions and passport are wired by AuthModule itself. An undeclared method on a routed
 * path is a 405 with Allow before any of them runs.
 */
export function configureHttpApp(
  app: NestExpressApplication,
  config: AppConfig,
  pino: Logger,
): void {
  if (config.http.trustProxy !== undefined) app.set('trust proxy', config.http.trustProxy);
  app.disable('x-powered-by');
  app.use(requestLogging(pino));
  // helmet's defaults everywhere (script-src 'self': no inline scripts, as the dashboard
  // needs none); only Swagger UI under /docs gets the inline scripts it needs. Not
  // upgrade-insecure-requests: the api is often reached over plain HTTP inside a cluster
  // (a Service name), where upgraded requests for the page's files would fail.
  app.use(helmet({ contentSecurityPolicy: { directives: { 'upgrade-insecure-requests': null } } }));
  app.use(
    '/docs',
    helmet.contentSecurityPolicy({
      directives: { 'script-src': ["'self'", "'unsafe-inline'"] },
    }),
  );
  app.use(answerUndeclaredMethods(expressRouterOf(app)));
  app.useBodyParser('json', { limit: config.http.bodyLimit, strict: true });
  app.useBodyParser('urlencoded', { limit: config.http.bodyLimit, extended: false });
  app.useGlobalPipes(new ValidationPipe(VALIDATION_OPTIONS));
  app.enableShutdownHooks();
  if (config.role !== 'operator') setUpSwagger(app);
  serveDashboard(app, config, pino);
}
