import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

type Headers = ReadonlyArray<readonly [string, string]>;

/**
 * The headers helmet sets with `options`: helmet's are the same on every response, so they
 * are computed once here rather than by helmet's middleware per request.
 */
export function helmetHeaders(options: HelmetOptions): Headers {
  const headers = new Map<string, string>();
  const response = {
    setHeader: (name: string, value: string) => headers.set(name, value),
    removeHeader: (name: string) => headers.delete(name),
  };
  helmet(options)({} as never, response as never, (error?: unknown) => {
    if (error) throw error;
  });
  return [...headers];
}

// Not upgrade-insecure-requests: the api is often reached over plain HTTP inside a cluster
// (a Service name), where upgraded requests for the page's files would fail.
const DIRECTIVES = { 'upgrade-insecure-requests': null };

/** Everywhere: helmet's defaults (script-src 'self': no inline scripts; the dashboard has none). */
export const SECURITY_HEADERS = helmetHeaders({
  contentSecurityPolicy: { directives: DIRECTIVES },
});

/** Swagger UI under /docs: the same, but with the inline scripts it needs. */
export const DOCS_SECURITY_HEADERS = helmetHeaders({
  contentSecurityPolicy: {
    directives: { ...DIRECTIVES, 'script-src': ["'self'", "'unsafe-inline'"] },
  },
});

/** /docs and what is under it (not /docs-json: JSON runs no script). */
export function isDocsPath(url: string): boolean {
  return url.startsWith('/docs') && (url.length === 5 || url[5] === '/' || url[5] === '?');
}

/**
 * helmet's security headers on every response, errors and 404s included, on the Node.js
 * response so that responses written to it directly (server-sent events) carry them too.
 * Why not @fastify/helmet: it builds helmet's middleware anew on every request (helmet()
 * parses its options and makes the CSP string each time); the headers are the same every
 * time, so we set precomputed ones.
 */
export function registerSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const headers = isDocsPath(request.url) ? DOCS_SECURITY_HEADERS : SECURITY_HEADERS;
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    done();
  });
}
