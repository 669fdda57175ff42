import { DataSource } from 'typeorm';
import { APP_ENTITIES } from './app-entities.js';
import { buildDataSourceOptions } from './database/data-source-options.js';
import { MIGRATIONS } from './database/migrations/index.js';
import { IN_MEMORY_DATABASE } from './database/testing/in-memory-database.js';

describe('migrations', () => {
  let dataSource: DataSource;

  beforeEach(async () => {
    dataSource = await new DataSource(
      buildDataSourceOptions(IN_MEMORY_DATABASE, APP_ENTITIES),
    ).initialize();
  });

  afterEach(async () => {
    await dataSource.destroy();
  });

  it('build exactly the schema the entities describe (no drift to generate)', async () => {
    await dataSource.runMigrations();
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('revert down to an empty database', async () => {
    await dataSource.runMigrations();
    for (let i = 0; i < MIGRATIONS.length; i++) await dataSource.undoLastMigration();
    const tables = await dataSource.query(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('migrations', 'sqlite_sequence')",
    );
    expect(tables).toEqual([]);
  });
});
