import type { DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { DatabaseConfig } from '../../config/index.js';
import { buildDataSourceOptions } from '../data-source-options.js';

/** The embedded database in memory: the real migrations on SQLite, one per test. */
export const IN_MEMORY_DATABASE: DatabaseConfig = {
  type: 'better-sqlite3',
  sqlitePath: ':memory:',
  migrate: true,
  tls: { mode: 'disable' },
};

/**
 * TypeOrmModule.forRoot on IN_MEMORY_DATABASE with the migrations applied; the entities are
 * those the test's modules register (TypeOrmModule.forFeature), as in the app.
 */
export function inMemoryDatabaseModule(): DynamicModule {
  return TypeOrmModule.forRoot({
    ...buildDataSourceOptions(IN_MEMORY_DATABASE),
    autoLoadEntities: true,
    migrationsRun: true,
  });
}
