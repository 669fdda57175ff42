import { match, type MatchFunction } from 'path-to-regexp';

/** One registered route (a path-to-regexp pattern or a RegExp) and its methods. */
export interface ListedRoute {
  path: string | RegExp;
  /** Uppercase methods, `'*'` for a route of every method; none: not a route (ignored). */
  methods?: string[];
}

/** A method that every route answers (`.all()`). */
export const ANY_METHOD = '*';

/**
 * The paths the app routes and the methods each answers, as the routes were registered, so
 * new controllers are covered without any per-route code. Matching follows the app's
 * router options (case-insensitive, an optional trailing slash: configure-http-app.ts).
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
