import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * What a user sees of their sessions (GET /auth/sessions) and what the absolute lifetime
 * (SESSION_ABSOLUTE_TTL_SECONDS) is measured from: when the session was created (log-in),
 * when it was last written, and the browser's User-Agent. Sessions already there keep NULL:
 * they are judged by their expiry, and their first counted write sets created_at (the
 * absolute lifetime starts then). No back-fill: an UPDATE of every row would lock the table
 * while the old pods still serve (the migration runs as a pre-upgrade hook). Table API:
 * MySQL and SQLite.
 */
export class AddSessionDetails1764210000000 implements MigrationInterface {
  name = 'AddSessionDetails1764210000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('sessions', [
      new TableColumn({ name: 'created_at', type: 'bigint', isNullable: true }),
      new TableColumn({ name: 'last_seen_at', type: 'bigint', isNullable: true }),
      new TableColumn({ name: 'user_agent', type: 'varchar', length: '255', isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('sessions', ['user_agent', 'last_seen_at', 'created_at']);
  }
}
