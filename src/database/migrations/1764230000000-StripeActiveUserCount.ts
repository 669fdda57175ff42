import { MigrationInterface, QueryRunner } from 'typeorm';

/** Rows the count is spread over (src/sessions/session-sql.ts COUNTER_STRIPES, fixed here). */
const STRIPES = 16;

/**
 * Stripes the active-user count: rows 2..16 of `active_user_count` join row 1, and the count
 * is the sum of their `count`s (row 1 keeps swept_until). A log-in or log-out adds to the row
 * of its database connection, so concurrent ones no longer queue for one row lock
 * (docs/scaling.md). Down folds the stripes back into row 1.
 */
export class StripeActiveUserCount1764230000000 implements MigrationInterface {
  name = 'StripeActiveUserCount1764230000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const ids = Array.from({ length: STRIPES - 1 }, (_, i) => i + 2);
    await queryRunner.query(
      `INSERT INTO active_user_count (id, count, swept_until) VALUES ${ids.map(() => '(?, 0, 0)').join(', ')}`,
      ids,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // A derived table: MySQL cannot read the table an UPDATE writes in a plain subquery.
    await queryRunner.query(
      'UPDATE active_user_count SET count = count + (SELECT total FROM ' +
        '(SELECT COALESCE(SUM(count), 0) AS total FROM active_user_count WHERE id > 1) stripes) ' +
        'WHERE id = 1',
    );
    await queryRunner.query('DELETE FROM active_user_count WHERE id > 1');
  }
}
