import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';

/**
 * What lets the api replicas share the upkeep of the active-user count
 * (src/sessions/count-maintenance-claims.ts, docs/decisions/0061-lock-free-recount-and-claimed-periods.md):
 * - `count_maintenance_claims`: one row per job (`sweep`, `recount`, `purge`) holding the
 *   last period a replica claimed it for, so each period's job runs once across all replicas;
 * - `active_user_count.recounts`: how many recount corrections were applied, so two recounts
 *   that overlap cannot both apply the same correction.
 * Table API, so it runs on MySQL, TiDB and SQLite.
 */
export class CountMaintenanceClaims1764261000000 implements MigrationInterface {
  name = 'CountMaintenanceClaims1764261000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'active_user_count',
      new TableColumn({ name: 'recounts', type: 'bigint', default: 0 }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'count_maintenance_claims',
        columns: [
          { name: 'job', type: 'varchar', length: '16', isPrimary: true },
          { name: 'period', type: 'bigint', default: 0 },
          { name: 'claimed_by', type: 'varchar', length: '255', isNullable: true },
          { name: 'claimed_at', type: 'bigint', isNullable: true },
        ],
      }),
    );
    await queryRunner.query(
      "INSERT INTO count_maintenance_claims (job, period) VALUES ('sweep', 0), ('recount', 0), ('purge', 0)",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('count_maintenance_claims', true);
    await queryRunner.dropColumn('active_user_count', 'recounts');
  }
}
