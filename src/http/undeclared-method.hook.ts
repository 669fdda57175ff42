import type { FastifyInstance } from 'fastify';
import { errorBody } from '../common/error-body.js';
import { ANY_METHOD, RouteTable, type ListedRoute } from './route-table.js';

/**
 * RFC 9110 for a path the app routes but a method it does not: 405 with `Allow` (in the
 * one error shape) instead of Fastify's 404, and OPTIONS answered 204 with `Allow`. HEAD is
 * answered wherever GET is (Fastify's exposeHeadRoutes: the GET without its body), so
 * `Allow` lists it. Paths no route has stay 404, and routed methods are untouched: only a
 * request Fastify found no route for (`request.is404`) is looked up.
 *
 * Register it before the routes: it lists them as Fastify registers them (onRoute), so new
 * controllers are covered without any per-route code.
 */
export function registerUndeclaredMethods(fastify: FastifyInstance): void {
  const routes: ListedRoute[] = [];
  let table: RouteTable | undefined;
  fastify.addHook('onRoute', (route) => {
    const methods = [route.method].flat().map((method) => method.toUpperCase());
    if (methods.includes('GET') && !methods.includes('HEAD')) methods.push('HEAD');
    routes.push({ path: fastifyPathToPattern(route.url), methods });
    table = undefined;
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!request.is404) return done();
    table ??= RouteTable.of(routes);
    const query = request.url.indexOf('?');
    const path = query === -1 ? request.url : request.url.slice(0, query);
    const methods = table.methodsFor(path);
    if (methods === undefined || methods.includes(ANY_METHOD)) return done();
    if (methods.includes(request.method)) return done();

    const allow = [...methods, 'OPTIONS'].join(', ');
    reply.header('Allow', allow);
    if (request.method === 'OPTIONS') {
      reply.code(204).send();
      return;
    }
    reply
      .code(405)
      .send(
        errorBody(405, `${request.method} is not supported on ${path}: use ${allow}.`, request.id),
      );
  });
}

/**
 * A Fastify route URL as a path-to-regexp pattern: the same `:param`, and Fastify's
 * trailing wildcard `*` (static files) as an optional catch-all.
 */
export function fastifyPathToPattern(url: string): string {
  return url.endsWith('*') ? `${url.slice(0, -1)}{*rest}` : url;
}
