import { jest } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '../config/index.js';
import { serveDashboard } from './serve-dashboard.js';

describe('serveDashboard', () => {
  const built = mkdtempSync(join(tmpdir(), 'dashboard-'));
  writeFileSync(join(built, 'index.html'), '<!doctype html>');
  const notBuilt = mkdtempSync(join(tmpdir(), 'dashboard-missing-'));

  function serve(env: Record<string, string>, dir: string) {
    const useStaticAssets = jest.fn();
    const get = jest.fn();
    const warn = jest.fn();
    const app = {
      useStaticAssets,
      getHttpAdapter: () => ({ getInstance: () => ({ get }) }),
    } as unknown as NestFastifyApplication;
    serveDashboard(app, loadConfig(env), { warn }, dir);
    return { useStaticAssets, get, warn };
  }

  it('serves the built page under /dashboard in the api and all roles by default', () => {
    for (const role of ['api', 'all']) {
      const { useStaticAssets, get, warn } = serve({ APP_ROLE: role }, built);
      expect(useStaticAssets).toHaveBeenCalledWith(
        expect.objectContaining({ root: built, prefix: '/dashboard/' }),
      );
      expect(get).toHaveBeenCalledWith('/dashboard', expect.any(Function));
      expect(warn).not.toHaveBeenCalled();
    }
  });

  it('serves nothing with DASHBOARD_ENABLED=false, or in the operator role', () => {
    expect(serve({ DASHBOARD_ENABLED: 'false' }, built).useStaticAssets).not.toHaveBeenCalled();
    expect(serve({ APP_ROLE: 'operator' }, built).useStaticAssets).not.toHaveBeenCalled();
  });

  it('says how to fix a page that was not built, and serves nothing', () => {
    const { useStaticAssets, warn } = serve({}, notBuilt);
    expect(useStaticAssets).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledWith(
      { context: 'Dashboard' },
      expect.stringMatching(
        /The dashboard is not built .*run npm run build, or set DASHBOARD_ENABLED=false/,
      ),
    );
  });
});
