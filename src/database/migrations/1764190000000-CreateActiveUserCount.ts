import { MigrationInterface, QueryRunner, Table } from 'typeorm';

/**
 * The incrementally kept active-user count (one row, id 1): `count` users hold a session
 * that expires after `swept_until` (epoch ms). Maintained by ActiveUserCountRepository; see
 * src/sessions/active-user-count.repository.ts. Table API, so it runs on MySQL and SQLite.
 */
export class CreateActiveUserCount1764190000000 implements MigrationInterface {
  name = 'CreateActiveUserCount1764190000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'active_user_count',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true },
          { name: 'count', type: 'integer', default: 0 },
          { name: 'swept_until', type: 'bigint', default: 0 },
        ],
      }),
    );
    // Seeded from the sessions already there (swept_until 0: every row counts as unexpired
    // until the first sweep), so the invariant holds from the start.
    await queryRunner.query(
      'INSERT INTO active_user_count (id, count, swept_until) ' +
        'SELECT 1, COUNT(DISTINCT user_id), 0 FROM sessions WHERE user_id IS NOT NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('active_user_count', true);
  }
}
