import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * The auth throttle's state, shared by every api replica (src/auth/throttling/):
 * - `auth_rate_limits`: one fixed window per key (route + client IP, or route + username);
 * - `login_failures`: consecutive failed logins per (username, client address) and the
 *   lock-out they caused.
 * Keys are SHA-256 hex digests (fixed length, no collation surprises with usernames).
 * Table API, so it runs on MySQL and SQLite.
 */
export class CreateAuthThrottle1764220000000 implements MigrationInterface {
  name = 'CreateAuthThrottle1764220000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'auth_rate_limits',
        columns: [
          { name: 'key_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'hits', type: 'integer' },
          { name: 'reset_at', type: 'bigint' },
        ],
        indices: [
          new TableIndex({ name: 'IDX_auth_rate_limits_reset_at', columnNames: ['reset_at'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'login_failures',
        columns: [
          { name: 'key_hash', type: 'varchar', length: '64', isPrimary: true },
          { name: 'failures', type: 'integer' },
          { name: 'last_failure_at', type: 'bigint' },
          { name: 'locked_until', type: 'bigint' },
        ],
        indices: [
          new TableIndex({
            name: 'IDX_login_failures_last_failure_at',
            columnNames: ['last_failure_at'],
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('login_failures', true, true, true);
    await queryRunner.dropTable('auth_rate_limits', true, true, true);
  }
}
