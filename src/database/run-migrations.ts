import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../config/index.js';
import { buildDataSourceOptions } from './data-source-options.js';

/** APP_ROLE=migrate: apply pending migrations once (a Helm hook Job runs this) and return. */
export async function runMigrations(database: DatabaseConfig): Promise<void> {
  const logger = new Logger('Migrations');
  const dataSource = await new DataSource(buildDataSourceOptions(database)).initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    logger.log(
      applied.length === 0
        ? 'database schema is up to date'
        : `applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`,
    );
  } finally {
    await dataSource.destroy();
  }
}
