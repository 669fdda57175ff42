import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/index.js';

/** Where `npm run build` puts the bundled page (dashboard/build.mjs): dist/public/dashboard. */
export const DASHBOARD_ASSETS_DIR = fileURLToPath(new URL('../public/dashboard/', import.meta.url));

/**
 * Serves the dashboard's files under /dashboard/ (GET /dashboard redirects there) in the api
 * and all roles unless DASHBOARD_ENABLED=false. Its data comes from /scaling/stream and
 * /scaling/history; the page has no data of its own, so it is as public as /scaling/status.
 */
export function serveDashboard(
  app: NestFastifyApplication,
  config: AppConfig,
  logger: Pick<Logger, 'warn'>,
  assetsDir = DASHBOARD_ASSETS_DIR,
): void {
  if (config.role === 'operator' || !config.dashboard.enabled) return;
  if (!existsSync(join(assetsDir, 'index.html'))) {
    logger.warn(
      { context: 'Dashboard' },
      `The dashboard is not built (no ${join(assetsDir, 'index.html')}): run npm run build, or set DASHBOARD_ENABLED=false`,
    );
    return;
  }
  // The page's files. decorateReply: false, as Swagger UI registers @fastify/static too.
  app.useStaticAssets({
    root: assetsDir,
    prefix: '/dashboard/',
    index: false,
    redirect: false,
    maxAge: '1h',
    decorateReply: false,
  });
  // The page itself, and /dashboard's 301 to /dashboard/ (its relative URLs need the slash).
  // A route of ours: the router ignores trailing slashes (configure-http-app.ts), so one
  // route has both paths, which @fastify/static's own redirect would turn into a loop.
  const page = readFileSync(join(assetsDir, 'index.html'));
  app
    .getHttpAdapter()
    .getInstance()
    .get('/dashboard', (request, reply) => {
      const path = request.url.split('?', 1)[0];
      if (!path.endsWith('/')) return reply.redirect('/dashboard/', 301);
      return reply
        .header('Cache-Control', 'public, max-age=3600')
        .type('text/html; charset=utf-8')
        .send(page);
    });
}
