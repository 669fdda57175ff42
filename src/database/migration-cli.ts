import { DataSource } from 'typeorm';
import { loadConfigFromEnvironment } from '../config/index.js';
import { buildDataSourceOptions } from './data-source-options.js';

/**
 * `npm run migration:revert` and `migration:generate -- <Name>` against the configured
 * database (DATABASE_URL, else the SQLite file). `migration:run` uses APP_ROLE=migrate.
 */
async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  const dataSource = await new DataSource(buildDataSourceOptions(loadConfigFromEnvironment().database)).initialize();
  try {
    if (command === 'revert') {
      await dataSource.undoLastMigration({ transaction: 'each' });
      console.log('reverted the last migration');
    } else if (command === 'generate') {
      const sql = await dataSource.driver.createSchemaBuilder().log();
      if (sql.upQueries.length === 0) {
        console.log('entities and schema agree: nothing to generate');
        return;
      }
      console.log(`-- pending schema changes for a migration named ${name ?? '<Name>'}:`);
      sql.upQueries.forEach((query) => console.log(`${query.query};`));
      console.log('-- down:');
      sql.downQueries.reverse().forEach((query) => console.log(`${query.query};`));
    } else {
      throw new Error('usage: migration-cli revert | generate <Name>');
    }
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
