import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { waitFor } from './wait.js';

const run = promisify(execFile);

export type AppRole = 'api' | 'operator';

export interface AppProcess {
  role: AppRole;
  url: string;
  process: ChildProcess;
  /** The log file the output goes to, when started with one. */
  logFile?: string;
  /** Everything the process printed so far (from memory, or its log file). */
  output(): string;
  /** Resident set size now, and its peak (VmHWM), in KiB from /proc; null once exited. */
  rssKb(): number | null;
  hwmKb(): number | null;
  /** SIGTERM and wait for exit (graceful shutdown); SIGKILL after 15 s. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, no clean-up (leader election must survive it). */
  kill(): Promise<void>;
}

export interface StartAppOptions {
  /** Append stdout and stderr to this file (kept after the run) instead of memory. */
  logFile?: string;
  /** NODE_ENV of the process: `test` (suites) or `production` (benchmarks). */
  nodeEnv?: string;
  /** Wait until GET /healthz answers 200 before returning (default true). */
  waitHealthy?: boolean;
  /** Node options before the script (e.g. `--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
  /** Listen on this port (default: a free one). */
  port?: number;
  /**
   * Run in a process group of its own and let this process exit without it (the demo
   * leaves the app running): Ctrl-C in the terminal that started it does not stop it.
   */
  detached?: boolean;
}

const running = new Set<ChildProcess>();

/** SIGKILLs every app process still running (a runner interrupted by SIGINT/SIGTERM). */
export function killAllApps(): void {
  for (const child of running) child.kill('SIGKILL');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function procStatusKb(pid: number | undefined, field: string): number | null {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(field));
    return line ? Number(line.replace(/[^0-9]/g, '')) : null;
  } catch {
    return null;
  }
}

/**
 * Starts the built app (`node dist/main.js`) as a separate process in one role, exactly as
 * a user runs it out of cluster, on a free loopback port, and (by default) waits until
 * /healthz answers. `env` adds to a minimal environment (no variables leak in from ours).
 */
export async function startApp(
  role: AppRole,
  env: Record<string, string>,
  {
    logFile,
    nodeEnv = 'test',
    waitHealthy = true,
    nodeArgs = [],
    port: fixedPort,
    detached,
  }: StartAppOptions = {},
): Promise<AppProcess> {
  // A fixed port keeps an address across restarts (a browser test reconnecting, the demo).
  const port = fixedPort ?? (await freePort());
  const out = logFile === undefined ? 'pipe' : openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeArgs, 'dist/main.js'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: nodeEnv,
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      APP_ROLE: role,
      HOST: '127.0.0.1',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', out, out],
    detached,
  });
  if (detached) child.unref();
  running.add(child);
  let captured = '';
  child.stdout?.on('data', (chunk: Buffer) => (captured += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (captured += chunk.toString()));
  // 'close', not 'exit': by then its stdout and stderr are read to the end (output() is whole).
  const exited = new Promise<void>((resolve) =>
    child.once('close', () => {
      running.delete(child);
      resolve();
    }),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  const url = `http://127.0.0.1:${port}`;
  const app: AppProcess = {
    role,
    url,
    process: child,
    logFile,
    output: () => (logFile === undefined ? captured : readFileSync(logFile, 'utf8')),
    rssKb: () => procStatusKb(child.pid, 'VmRSS:'),
    hwmKb: () => procStatusKb(child.pid, 'VmHWM:'),
    stop: async () => {
      if (alive()) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
    kill: async () => {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
  };
  if (!waitHealthy) return app;
  try {
    // A process that exits fails the start at once, with what it printed.
    const exitedEarly = exited.then(() => {
      throw new Error(`exited with ${child.exitCode}:\n${app.output().slice(-3000)}`);
    });
    await Promise.race([
      waitFor(`${role} process on ${url}/healthz`, async () => (await fetch(`${url}/healthz`)).ok, {
        timeoutMs: 60_000,
        intervalMs: 100,
      }),
      exitedEarly,
    ]);
  } catch (error) {
    await app.kill();
    throw error;
  }
  return app;
}

/** Creates or updates the schema with the migrate role, as the chart's hook Job does. */
export async function migrateDatabase(
  databaseUrl: string,
  extraEnv: Record<string, string> = {},
): Promise<void> {
  const { stdout } = await run(process.execPath, ['dist/main.js'], {
    env: migrateEnv({ DATABASE_URL: databaseUrl, ...extraEnv }),
  });
  // LOG_FORMAT holds in this role too (a log collector parses every line).
  const notJson = stdout.split('\n').filter((line) => line.trim() !== '' && !isJson(line));
  if (notJson.length > 0) {
    throw new Error(
      `the migrate role printed a line that is not JSON with LOG_FORMAT=json: ${notJson[0]}`,
    );
  }
}

/** Runs the migrate role to its end, successful or not: its exit code and all it printed. */
export async function runMigrateRole(
  env: Record<string, string>,
): Promise<{ exitCode: number; output: string }> {
  return runToEnd(migrateEnv(env));
}

/**
 * Runs `node dist/main.js` in a role that exits by itself (migrate, secrets) with exactly
 * `env` (and PATH), to its end: its exit code and all it printed.
 */
export async function runToEnd(
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<{ exitCode: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...nodeArgs, 'dist/main.js'], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { exitCode: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { exitCode: failed.code, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

function migrateEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', APP_ROLE: 'migrate', LOG_FORMAT: 'json', ...env };
}

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}
