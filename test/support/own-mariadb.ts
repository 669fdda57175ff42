import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { freePort } from './app-process.js';
import { sleep } from './wait.js';

const run = promisify(execFile);

export interface OwnMariadb {
  /** mysql://kiada:kiada@127.0.0.1:<port>/kiada_test (or the database and user asked for) */
  url: string;
  port: number;
  /** Its Unix socket, where root logs in without a password (grants beyond the test user's). */
  socket: string;
  /** SIGKILL, no shutdown: what a crashed database server looks like. */
  kill(): Promise<void>;
  /** Starts the server again on the same data and port. */
  restart(): Promise<void>;
  /** Stops it for good and removes its data. */
  remove(): Promise<void>;
}

export interface OwnMariadbOptions {
  /** More mysqld options, e.g. TLS (`--ssl-cert=...`, `--require-secure-transport=ON`). */
  serverArgs?: string[];
  /** The database and the user (with all rights on it) made at start; default kiada_test, kiada/kiada. */
  database?: string;
  user?: string;
  password?: string;
}

/**
 * A MariaDB server of one test's own (test/support/mariadb.sh on a free port and a data
 * directory of its own), for tests that kill the database or configure it their way: the
 * shared server of the other suites is never touched.
 */
export async function startOwnMariadb(
  name: string,
  { serverArgs = [], database, user, password }: OwnMariadbOptions = {},
): Promise<OwnMariadb> {
  const port = await freePort();
  // In /tmp itself, not the run's private TMPDIR: mariadbd runs as the mysql user.
  const dataDir = `/tmp/kiada-e2e-mariadb-${name}-${process.pid}`;
  const env = {
    ...process.env,
    TMPDIR: '/tmp',
    TEST_DATABASE_URL: '',
    TEST_DB_PORT: String(port),
    TEST_DB_DIR: dataDir,
    // Every acknowledged commit must survive the SIGKILL of the test.
    TEST_DB_FLUSH_LOG_AT_COMMIT: '2',
    TEST_DB_SERVER_ARGS: serverArgs.join(' '),
    ...(database ? { TEST_DB_NAME: database } : {}),
    ...(user ? { TEST_DB_USER: user } : {}),
    ...(password ? { TEST_DB_PASSWORD: password } : {}),
  };
  const start = async () => {
    const { stdout } = await run('bash', ['test/support/mariadb.sh'], { env });
    return stdout
      .trim()
      .split('\n')
      .at(-1)!
      .replace(/^TEST_DATABASE_URL=/, '');
  };
  const pid = () => Number(readFileSync(`${dataDir}-run/mysqld.pid`, 'utf8').trim());
  const kill = async () => {
    const target = pid();
    process.kill(target, 'SIGKILL');
    while (isAlive(target)) await sleep(50);
  };
  const url = await start();
  return {
    url,
    port,
    socket: `${dataDir}-run/mysqld.sock`,
    kill,
    restart: async () => {
      await start();
    },
    remove: async () => {
      try {
        await kill();
      } catch {
        // already gone
      }
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(`${dataDir}-run`, { recursive: true, force: true });
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
