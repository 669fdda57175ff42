import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { PLATFORM_ROUTES } from '../http/platform-routes.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * The request id (Fastify's `genReqId`): X-Request-Id when well formed (so ingress ids
 * carry through), else made here.
 */
export function requestIdOf(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * One log line per request with its id, as pino-http wrote it before the move to Fastify
 * (`req: { id, method, url }`, `res: { statusCode }`, `responseTime` in ms, "request
 * completed"; warn for 4xx, error for 5xx), and the id echoed in the X-Request-Id response
 * header (on the Node.js response, so server-sent events carry it too).
 */
export function registerRequestLogging(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.raw.setHeader('X-Request-Id', request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    if (!PLATFORM_ROUTES.has(request.routeOptions.url ?? '')) {
      const statusCode = reply.statusCode;
      const level = statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : 'info';
      if (logger.isLevelEnabled(level)) {
        logger[level](
          {
            req: { id: request.id, method: request.method, url: request.url },
            res: { statusCode },
            responseTime: Math.round(reply.elapsedTime),
          },
          'request completed',
        );
      }
    }
    done();
  });
}
