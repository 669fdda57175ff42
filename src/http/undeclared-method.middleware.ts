import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { errorBody } from '../common/error-body.js';
import { ANY_METHOD, RouteTable, type RouteLister } from './route-table.js';

/**
 * RFC 9110 for a path the app routes but a method it does not: 405 with `Allow` (in the
 * one error shape) instead of Express's 404, and OPTIONS answered 204 with `Allow`. HEAD is
 * answered wherever GET is (Express runs the GET handler without the body), so `Allow`
 * lists it. Paths no route has pass through (404 as before), and so do routed methods.
 *
 * Mount it before the routes; it reads the router's table on the first request, once Nest
 * has registered every route (`router`: Express 5's app router, see expressRouterOf).
 */
export function answerUndeclaredMethods(router: RouteLister) {
  let table: RouteTable | undefined;
  return (request: Request, response: Response, next: NextFunction): void => {
    table ??= RouteTable.of(router.listRoutes());
    const methods = table.methodsFor(request.path);
    if (methods === undefined || methods.includes(ANY_METHOD)) return next();
    if (methods.includes(request.method)) return next();

    const allow = [...methods, 'OPTIONS'].join(', ');
    response.setHeader('Allow', allow);
    if (request.method === 'OPTIONS') {
      response.status(204).end();
      return;
    }
    const requestId = (request as Request & { id?: unknown }).id;
    response
      .status(405)
      .json(
        errorBody(
          405,
          `${request.method} is not supported on ${request.path}: use ${allow}.`,
          typeof requestId === 'string' ? requestId : undefined,
        ),
      );
  };
}

/**
 * Express 5's app router, which lists its routes (router 2.3+: `listRoutes`); an older one
 * stops start-up here rather than failing every request.
 */
export function expressRouterOf(app: NestExpressApplication): RouteLister {
  const express = app.getHttpAdapter().getInstance() as { router?: Partial<RouteLister> };
  if (typeof express.router?.listRoutes !== 'function') {
    throw new Error(
      'The Express router cannot list its routes: Express 5 with router 2.3+ is required',
    );
  }
  return express.router as RouteLister;
}
