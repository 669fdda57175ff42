// Starts the built app (`node dist/main.js`) as separate processes, one per role, the way a
// user runs it out of cluster (same as test/k8s/support/app-process.ts, in plain ESM).
import { execFile, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './util.mjs';

const run = promisify(execFile);
const children = new Set();

/** Kills every app process still running (on SIGINT/SIGTERM of the runner). */
export function killAllApps() {
  for (const child of children) child.kill('SIGKILL');
}

export const SESSION_SECRET = 'bench-session-secret-that-is-long-enough-0123456789';

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function baseEnv(role, port) {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    APP_ROLE: role,
    HOST: '127.0.0.1',
    PORT: String(port),
  };
}

/**
 * Starts one role with its output in `<logDir>/<name>.log` and waits for /healthz.
 * Returns { role, url, pid, logFile, stop(), rssKb(), hwmKb() }.
 */
export async function startApp(role, env, { logDir, name = role, waitHealthy = true } = {}) {
  const port = await freePort();
  const logFile = join(logDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const startedAt = performance.now();
  const child = spawn(process.execPath, ['dist/main.js'], {
    env: { ...baseEnv(role, port), SESSION_SECRET, ...env },
    stdio: ['ignore', fd, fd],
  });
  children.add(child);
  const exited = new Promise((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => children.delete(child));
  const url = `http://127.0.0.1:${port}`;
  const status = (field) => {
    try {
      const line = readFileSync(`/proc/${child.pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(field));
      return line ? Number(line.replace(/[^0-9]/g, '')) : null;
    } catch {
      return null;
    }
  };
  const app = {
    role,
    url,
    pid: child.pid,
    logFile,
    startedAt,
    process: child,
    rssKb: () => status('VmRSS:'),
    hwmKb: () => status('VmHWM:'),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  if (waitHealthy) {
    try {
      await waitFor(`${name} on ${url}/healthz`, async () => {
        if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}; see ${logFile}:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
        return (await fetch(`${url}/healthz`)).ok;
      }, { timeoutMs: 60_000, intervalMs: 100 });
    } catch (error) {
      await app.stop();
      throw error;
    }
  }
  return app;
}

/** Creates the schema through the migrate role, as the chart's hook Job does. */
export async function migrate(databaseUrl) {
  await run(process.execPath, ['dist/main.js'], {
    env: { PATH: process.env.PATH ?? '', APP_ROLE: 'migrate', DATABASE_URL: databaseUrl, LOG_FORMAT: 'json' },
  });
}

export async function metricsText(app) {
  const response = await fetch(`${app.url}/metrics`);
  return response.text();
}
