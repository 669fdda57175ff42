import { match, type MatchFunction } from 'path-to-regexp';

/** One registered route as Express's router lists it (`router.listRoutes()`). */
export interface ListedRoute {
  path: string | RegExp;
  /** Uppercase methods, `'*'` for `.all()`, the implicit `HEAD` of a `GET`; none for a mounted router. */
  methods?: string[];
}

/** What Express 5's app router offers (router 2.3+): its routes, plain middleware left out. */
export interface RouteLister {
  listRoutes(): ListedRoute[];
}

/** A method that every route answers (`.all()`). */
export const ANY_METHOD = '*';

/**
 * The paths the app routes and the methods each answers, read from the router once every
 * route is registered, so new controllers are covered without any per-route code.
 * Matching follows Express's defaults (case-insensitive, an optional trailing slash), with
 * the same path-to-regexp.
 */
export class RouteTable {
  private constructor(
    private readonly routes: Array<{ matches: MatchFunction<object>; methods: string[] }>,
  ) {}

  static of(routes: ListedRoute[]): RouteTable {
    return new RouteTable(
      routes
        .filter((route) => route.methods !== undefined)
        .map((route) => ({
          matches: matcher(route.path),
          methods: route.methods!.map((method) => method.toUpperCase()),
        })),
    );
  }

  /**
   * The methods routed for `path`, sorted (OPTIONS not included; `'*'` when any method is);
   * undefined when no route has this path (a 404).
   */
  methodsFor(path: string): string[] | undefined {
    const methods = new Set<string>();
    let known = false;
    for (const route of this.routes) {
      if (!route.matches(path)) continue;
      known = true;
      for (const method of route.methods) methods.add(method);
    }
    return known ? [...methods].sort() : undefined;
  }
}

const TRAILING_SLASHES = /\/+$/;

function matcher(path: string | RegExp): MatchFunction<object> {
  if (path instanceof RegExp) {
    return (candidate) => (path.test(candidate) ? { path: candidate, params: {} } : false);
  }
  const loosened = path === '/' ? path : path.replace(TRAILING_SLASHES, '');
  return match(loosened, { sensitive: false, end: true, trailing: true, decode: false });
}
