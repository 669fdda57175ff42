import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * The scaling decision record (src/scaling/decisions/): every change of the desired
 * replicas and every hold of one, kept for SCALING_DECISION_RETENTION_DAYS. Table API, so
 * it runs on MySQL and SQLite.
 */
export class CreateScalingDecisions1764200000000 implements MigrationInterface {
  name = 'CreateScalingDecisions1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'scaling_decisions',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'at', type: 'bigint' },
          { name: 'namespace', type: 'varchar', length: '63' },
          { name: 'name', type: 'varchar', length: '253' },
          { name: 'reason', type: 'varchar', length: '32' },
          { name: 'message', type: 'varchar', length: '512' },
          { name: 'active_users', type: 'integer', isNullable: true },
          { name: 'previous_replicas', type: 'integer', isNullable: true },
          { name: 'replicas', type: 'integer', isNullable: true },
          { name: 'recommended_replicas', type: 'integer', isNullable: true },
          { name: 'rule', type: 'varchar', length: '8', isNullable: true },
          { name: 'rule_index', type: 'integer', isNullable: true },
          { name: 'clamp', type: 'varchar', length: '8', isNullable: true },
          { name: 'hold_replicas', type: 'integer', isNullable: true },
          { name: 'hold_until', type: 'bigint', isNullable: true },
          { name: 'paused', type: 'boolean' },
          { name: 'fallback', type: 'boolean' },
          { name: 'dedupe_key', type: 'varchar', length: '191', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'IDX_scaling_decisions_at', columnNames: ['at'] }),
          new TableIndex({
            name: 'UQ_scaling_decisions_dedupe_key',
            columnNames: ['dedupe_key'],
            isUnique: true,
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('scaling_decisions', true, true, true);
  }
}
