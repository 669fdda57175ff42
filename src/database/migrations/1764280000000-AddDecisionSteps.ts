import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * The trace of a scaling decision (the rules that changed its answer, in order) as JSON.
 * Rows already there keep NULL: the API serves them with an empty trace. Table API: MySQL
 * and SQLite.
 */
export class AddDecisionSteps1764280000000 implements MigrationInterface {
  name = 'AddDecisionSteps1764280000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'scaling_decisions',
      new TableColumn({ name: 'steps', type: 'text', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('scaling_decisions', 'steps');
  }
}
