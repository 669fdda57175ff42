import { ValidationPipe, type NestApplicationOptions } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/index.js';
import { registerRequestLogging, requestIdOf } from '../logging/request-logging.js';
import { jsonBodyParser, parseBodyLimit, registerBodyDecoding } from './request-body.js';
import { registerSecurityHeaders } from './security-headers.js';
import { registerUndeclaredMethods } from './undeclared-method.hook.js';
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
 * The Fastify instance of the app (main.ts and the e2e tests). Routing as Express's was
 * (case-insensitive, a trailing slash optional), TRUST_PROXY as Express's `trust proxy`
 * (hops), BODY_LIMIT for every body, request ids from X-Request-Id; no Fastify logger (the
 * request log is ours: logging/request-logging.ts).
 */
export function createHttpAdapter(config: AppConfig): FastifyAdapter {
  return new FastifyAdapter({
    trustProxy: trustHops(config.http.trustProxy),
    bodyLimit: parseBodyLimit(config.http.bodyLimit),
    genReqId: requestIdOf,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true },
    logger: false,
  });
}

/**
 * TRUST_PROXY as Express's `trust proxy` number: the client address is the one that many
 * hops back in X-Forwarded-For (and X-Forwarded-Proto/-Host count). A function because
 * Fastify 5 trusts no hop at all for a plain number (a hop count cannot check the peer).
 */
export function trustHops(
  hops: number | undefined,
): false | ((address: string, hop: number) => boolean) {
  if (hops === undefined || hops === 0) return false;
  return (_address, hop) => hop < hops;
}

/**
 * The HTTP pipeline shared by main.ts and the e2e tests, so tests exercise exactly what
 * users get: request ids and logs, security headers, body limits, strict DTO validation.
 * Sessions are wired by AuthModule itself; the OpenAPI document and the dashboard are added
 * by the composition root (src/configure-app.ts). An undeclared method on a routed path is
 * a 405 with Allow before any of them runs.
 */
export function configureHttpApp(
  app: NestFastifyApplication,
  config: AppConfig,
  pino: Logger,
): void {
  const fastify = app.getHttpAdapter().getInstance();
  registerRequestLogging(fastify, pino);
  registerSecurityHeaders(fastify);
  registerUndeclaredMethods(fastify);
  registerBodyDecoding(fastify);
  // JSON (and urlencoded forms, as before) only: any other media type is a 415. Fastify
  // reads text/plain by default; body-parser never did.
  fastify.removeContentTypeParser('text/plain');
  const bodyLimit = parseBodyLimit(config.http.bodyLimit);
  app.useBodyParser('application/json', { bodyLimit }, jsonBodyParser(fastify));
  app.useBodyParser('application/x-www-form-urlencoded', { bodyLimit });
  app.useGlobalPipes(new ValidationPipe(VALIDATION_OPTIONS));
  // Ends with process.exit(0) once the hooks ran, rather than re-raising the signal: the
  // 'exit' event is what flushes the asynchronous log (logging/create-pino.ts).
  app.enableShutdownHooks([], { useProcessExit: true });
}
