import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig, DatabaseTlsConfig } from '../config/index.js';
import { MIGRATIONS } from './migrations/index.js';

/** mysql2's `ssl` options (passed on to Node's tls.connect) for one DATABASE_SSL_MODE. */
export interface MysqlSslOptions {
  /** Unset: Node.js's own trusted CAs. */
  ca?: string;
  /** Verify the certificate's chain up to `ca`. */
  rejectUnauthorized: boolean;
  /** Also check that the certificate names the host of DATABASE_URL. */
  verifyIdentity?: boolean;
}

/**
 * `disable`: no TLS. `require`: encrypted, nothing verified. `verify-ca`: the chain, not
 * the name (mysql2 skips Node's host name check unless verifyIdentity). `verify-full`: the
 * chain and the name. Pure.
 */
export function mysqlSslOptions(tls: DatabaseTlsConfig): MysqlSslOptions | undefined {
  switch (tls.mode) {
    case 'disable':
      return undefined;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { ca: tls.ca, rejectUnauthorized: true, verifyIdentity: false };
    case 'verify-full':
      return { ca: tls.ca, rejectUnauthorized: true, verifyIdentity: true };
  }
}

/**
 * TypeORM options for MySQL/MariaDB (DATABASE_URL) or the embedded SQLite file. No entities
 * unless given: the app's modules register their own (autoLoadEntities), and migrations
 * need none.
 */
export function buildDataSourceOptions(
  database: DatabaseConfig,
  entities: NonNullable<DataSourceOptions['entities']> = [],
): DataSourceOptions {
  const common = {
    entities,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    // Not 'error': TypeORM would log failed queries with their parameters (password hashes).
    // Failures still surface as exceptions, and the HTTP filter logs unexpected ones.
    logging: ['warn', 'migration'] as ('warn' | 'migration')[],
  };
  if (database.type === 'mysql') {
    return {
      ...common,
      // mariadb:// selects TypeORM's MariaDB dialect (schema diffs read its defaults right).
      type: database.url?.startsWith('mariadb:') ? 'mariadb' : 'mysql',
      url: database.url,
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
      ssl: mysqlSslOptions(database.tls),
      // trace: false: mysql2 would capture a stack trace (new Error) for every query, a
      // measured 2% of GET /auth/me's CPU (docs/benchmarks.md); errors keep mysql2's own stack.
      extra: { connectionLimit: 20, trace: false },
    };
  }
  if (database.sqlitePath !== ':memory:')
    mkdirSync(dirname(database.sqlitePath), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: database.sqlitePath,
    // WAL lets readers run beside the one writer; busy_timeout waits instead of failing.
    prepareDatabase: (db: { pragma(statement: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
    },
  };
}
