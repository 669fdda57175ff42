import { createConnection, type Connection } from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../../src/config/app-config.js';

/** The MariaDB test server (test/support/mariadb.sh prints this URL). */
export const BASE_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'mysql://kiada:kiada@127.0.0.1:3306/kiada_test';

/** The app's database settings for a MySQL URL without TLS, as DATABASE_URL alone gives. */
export function mysqlDatabaseConfig(url: string, migrate = false): DatabaseConfig {
  return { type: 'mysql', url, sqlitePath: '', migrate, tls: { mode: 'disable' } };
}

/** Runs `work` on a new connection to `databaseUrl`, closing it afterwards. */
export async function withConnection<T>(
  databaseUrl: string,
  work: (connection: Connection) => Promise<T>,
): Promise<T> {
  const connection = await createConnection({ uri: databaseUrl });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

/**
 * A database of the caller's own, dropped and created empty (`<base>_<suffix>`, i.e.
 * `kiada_test_<suffix>`: the test user may create databases with that prefix), so specs and
 * benchmarks never see each other's rows. Returns its URL.
 */
export async function freshDatabase(suffix: string): Promise<string> {
  const url = new URL(BASE_DATABASE_URL);
  const name = `${url.pathname.slice(1)}_${suffix}`.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 64);
  await withConnection(BASE_DATABASE_URL, async (connection) => {
    await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await connection.query(
      `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  });
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  await withConnection(BASE_DATABASE_URL, (connection) =>
    connection.query(`DROP DATABASE IF EXISTS \`${name}\``),
  );
}

/** `SELECT VERSION()` of the test server, e.g. `10.11.19-MariaDB-0+deb12u1`. */
export async function databaseServerVersion(): Promise<string> {
  return withConnection(BASE_DATABASE_URL, async (connection) => {
    const [rows] = await connection.query('SELECT VERSION() AS version');
    return String((rows as Array<{ version: string }>)[0].version);
  });
}

export async function countRows(
  dataSource: DataSource,
  table: 'users' | 'sessions',
): Promise<number> {
  const [row] = await dataSource.query<Array<{ n: unknown }>>(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(row.n);
}
