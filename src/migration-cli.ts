import { writeFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { APP_ENTITIES } from './app-entities.js';
import { SystemClock } from './common/clock.js';

interface Query {
  query: string;
}
import { loadConfigFromEnvironment } from './config/index.js';
import { buildDataSourceOptions } from './database/data-source-options.js';

/**
 * `npm run migration:revert` and `migration:generate -- <Name>` against the configured
 * database (DATABASE_URL, else the SQLite file). `migration:run` uses APP_ROLE=migrate.
 * Generated migrations hold raw SQL for that database; the shipped ones use TypeORM's
 * Table API so they run on MySQL and SQLite alike.
 */
function writeMigration(name: string, timestamp: number, up: Query[], down: Query[]): string {
  const lines = (queries: Query[]) =>
    queries
      .map((query) => `    await queryRunner.query(${JSON.stringify(query.query)});`)
      .join('\n');
  const file = `src/database/migrations/${timestamp}-${name}.ts`;
  writeFileSync(
    file,
    `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${name}${timestamp} implements MigrationInterface {
  name = '${name}${timestamp}';

  async up(queryRunner: QueryRunner): Promise<void> {
${lines(up)}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${lines(down)}
  }
}
`,
  );
  return file;
}

async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  const dataSource = await new DataSource(
    buildDataSourceOptions(loadConfigFromEnvironment().database, APP_ENTITIES),
  ).initialize();
  try {
    if (command === 'revert') {
      await dataSource.undoLastMigration({ transaction: 'each' });
      console.log('reverted the last migration');
    } else if (command === 'generate') {
      if (!name || !/^[A-Z][A-Za-z0-9]*$/.test(name)) {
        throw new Error('usage: npm run migration:generate -- <PascalCaseName>');
      }
      const sql = await dataSource.driver.createSchemaBuilder().log();
      if (sql.upQueries.length === 0) {
        console.log('entities and schema agree: nothing to generate');
        return;
      }
      const file = writeMigration(
        name,
        new SystemClock().now(),
        sql.upQueries,
        sql.downQueries.reverse(),
      );
      console.log(
        `wrote ${file}: review it (generated SQL is specific to this database), then add it to src/database/migrations/index.ts`,
      );
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
