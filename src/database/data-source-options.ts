import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/index.js';
import { MIGRATIONS } from './migrations/index.js';

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
