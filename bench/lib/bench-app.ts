import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadYaml } from '@kubernetes/client-node';
import { startApp, type AppProcess, type AppRole } from '../../test/support/app-process.js';

/** SESSION_SECRET of the api the benchmarks start (seeded sessions' cookies are signed with it). */
export const BENCH_SESSION_SECRET = 'bench-session-secret-that-is-long-enough-0123456789';
/** SESSION_TTL_SECONDS of that api, and the lifetime of seeded sessions, in ms. */
export const SESSION_TTL_MS = 1800 * 1000;

export interface BenchAppOptions {
  logDir: string;
  /** The log file's name without `.log` (default: the role). */
  name?: string;
  waitHealthy?: boolean;
  /** Node's flags; default: the operator gets the chart's `operator.nodeArgs`. */
  nodeArgs?: string[];
}

/** The chart's default `operator.nodeArgs`: the benchmarks run the operator as installed. */
export function chartOperatorNodeArgs(): string[] {
  const values = loadYaml<{ operator?: { nodeArgs?: string[] } }>(
    readFileSync('helm/kiada-autoscaler/values.yaml', 'utf8'),
  );
  return values.operator?.nodeArgs ?? [];
}

/**
 * One role of the built app as the benchmarks run it: NODE_ENV=production, JSON logs at
 * info into `<logDir>/<name>.log`, the bench's session secret, the chart's node flags.
 */
export function startBenchApp(
  role: AppRole,
  env: Record<string, string>,
  {
    logDir,
    name = role,
    waitHealthy = true,
    nodeArgs = role === 'operator' ? chartOperatorNodeArgs() : [],
  }: BenchAppOptions,
): Promise<AppProcess> {
  return startApp(
    role,
    { SESSION_SECRET: BENCH_SESSION_SECRET, ...env },
    { logFile: join(logDir, `${name}.log`), nodeEnv: 'production', waitHealthy, nodeArgs },
  );
}

/**
 * An api process on `databaseUrl` that reaches no cluster (HOME without ~/.kube, no
 * KUBECONFIG: its scaling only counts), migrated already, throttling off. Stopping it also
 * removes its HOME.
 */
export async function startApiWithoutCluster(
  databaseUrl: string,
  env: Record<string, string>,
  options: BenchAppOptions,
): Promise<AppProcess> {
  const home = mkdtempSync(join(tmpdir(), 'kiada-bench-home-'));
  const api = await startBenchApp(
    'api',
    {
      HOME: home,
      DATABASE_URL: databaseUrl,
      DATABASE_MIGRATE: 'false',
      SESSION_TTL_SECONDS: String(SESSION_TTL_MS / 1000),
      AUTH_THROTTLE_LIMIT: '0',
      ...env,
    },
    options,
  ).catch((error: unknown) => {
    rmSync(home, { recursive: true, force: true });
    throw error;
  });
  const stop = api.stop.bind(api);
  return {
    ...api,
    stop: async () => {
      await stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
