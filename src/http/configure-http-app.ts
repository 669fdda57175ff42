import { ValidationPipe } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/index.js';
import { requestLogging } from '../logging/request-logging.middleware.js';
import { setUpSwagger } from './swagger.js';
import { answerUndeclaredMethods, expressRouterOf } from './undeclared-method.middleware.js';
import { VALIDATION_OPTIONS } from './validation.js';

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
  app.use(
    helmet({
      // Swagger UI needs inline styles/scripts of its own; everything else keeps helmet's defaults.
      contentSecurityPolicy: {
        directives: {
          'script-src': ["'self'", "'unsafe-inline'"],
          'style-src': ["'self'", "'unsafe-inline'"],
        },
      },
    }),
  );
  app.use(answerUndeclaredMethods(expressRouterOf(app)));
  app.useBodyParser('json', { limit: config.http.bodyLimit, strict: true });
  app.useBodyParser('urlencoded', { limit: config.http.bodyLimit, extended: false });
  app.useGlobalPipes(new ValidationPipe(VALIDATION_OPTIONS));
  app.enableShutdownHooks();
  if (config.role !== 'operator') setUpSwagger(app);
}
