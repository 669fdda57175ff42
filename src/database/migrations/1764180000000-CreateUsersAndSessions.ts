import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';

/** Users and their database-backed sessions. Written with the Table API so it runs on MySQL and SQLite. */
export class CreateUsersAndSessions1764180000000 implements MigrationInterface {
  name = 'CreateUsersAndSessions1764180000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Usernames are unique case-insensitively on both databases: MySQL's *_ci collation
    // does it by default, SQLite needs NOCASE (usernames are ASCII, so NOCASE suffices).
    const sqlite = queryRunner.connection.driver.options.type === 'better-sqlite3';
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          {
            name: 'id',
            type: 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          {
            name: 'username',
            type: 'varchar',
            length: '64',
            ...(sqlite
              ? { collation: 'NOCASE' }
              : { charset: 'utf8mb4', collation: 'utf8mb4_unicode_ci' }),
          },
          { name: 'password_hash', type: 'varchar', length: '255' },
          { name: 'created_at', type: 'bigint' },
        ],
        indices: [
          new TableIndex({ name: 'UQ_users_username', columnNames: ['username'], isUnique: true }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'sessions',
        columns: [
          { name: 'sid', type: 'varchar', length: '128', isPrimary: true },
          { name: 'user_id', type: 'integer', isNullable: true },
          { name: 'expires_at', type: 'bigint' },
          { name: 'data', type: 'text' },
        ],
        indices: [
          new TableIndex({
            name: 'IDX_sessions_expires_at_user_id',
            columnNames: ['expires_at', 'user_id'],
          }),
          new TableIndex({
            name: 'IDX_sessions_user_id_expires_at',
            columnNames: ['user_id', 'expires_at'],
          }),
        ],
      }),
    );
    await queryRunner.createForeignKey(
      'sessions',
      new TableForeignKey({
        name: 'FK_sessions_user_id',
        columnNames: ['user_id'],
        referencedTableName: 'users',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
        onUpdate: 'NO ACTION',
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('sessions', true, true, true);
    await queryRunner.dropTable('users', true, true, true);
  }
}
