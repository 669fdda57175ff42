import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { freePort, startApp, type AppProcess } from '../test/support/app-process.js';
import { policyEnv, type DemoPolicy } from './policy.js';
import { API_PORT, LOG_DIR, RESOURCE_NAME, SQLITE_FILE } from './settings.js';

/** Whether a TCP port on 127.0.0.1 is free. */
async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * One role of the built app as the demo runs it: NODE_ENV=production (so nothing is
 * weakened, argon2id at OWASP's cost), in a process group of its own so that it keeps
 * running after the demo, with its log in LOG_DIR.
 */
function startDemoApp(
  role: 'api' | 'operator',
  env: Record<string, string>,
  port?: number,
): Promise<AppProcess> {
  return startApp(role, env, {
    logFile: join(LOG_DIR, `${role}.log`),
    nodeEnv: 'production',
    detached: true,
    port,
  });
}

/** The operator, watching the demo's namespace only, with the given kubeconfig. */
export function startOperator(kubeconfig: string, namespace: string): Promise<AppProcess> {
  return startDemoApp('operator', {
    KUBECONFIG: kubeconfig,
    OPERATOR_NAMESPACE: namespace,
    OPERATOR_LEASE_NAMESPACE: namespace,
    OPERATOR_LEASE_NAME: 'kiada-demo-operator',
  });
}

/**
 * The api on API_PORT when free, else on a free port; on DATABASE_URL when set,
 * else the embedded SQLite file in the demo's directory; with the demo's policy.
 */
export async function startApi(
  kubeconfig: string,
  namespace: string,
  policy: DemoPolicy,
): Promise<AppProcess> {
  const port = API_PORT !== undefined && (await portIsFree(API_PORT)) ? API_PORT : await freePort();
  const databaseUrl = process.env.DATABASE_URL;
  return startDemoApp(
    'api',
    {
      KUBECONFIG: kubeconfig,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATABASE_SQLITE_PATH: SQLITE_FILE }),
      // A fresh secret per demo: production refuses to start without one.
      SESSION_SECRET: randomBytes(32).toString('hex'),
      // Every demo user logs in from 127.0.0.1: 20 attempts a minute per IP would stop the wave.
      AUTH_THROTTLE_LIMIT: '0',
      SCALING_NAMESPACE: namespace,
      SCALING_RESOURCE_NAME: RESOURCE_NAME,
      ...policyEnv(policy),
    },
    port,
  );
}
