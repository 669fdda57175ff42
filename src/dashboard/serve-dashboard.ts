import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NestExpressApplication } from '@nestjs/platform-express';
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
  app: NestExpressApplication,
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
  app.useStaticAssets(assetsDir, { prefix: '/dashboard', index: 'index.html', maxAge: '1h' });
}
