import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { millisecondsTransformer } from '../database/milliseconds.transformer.js';

@Entity({ name: 'users' })
@Index('UQ_users_username', ['username'], { unique: true })
export class User {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  /**
   * Unique ignoring case (index UQ_users_username, case-insensitive collation set by the
   * migration): duplicates are rejected by the database, not by a check.
   */
  @Column({ type: 'varchar', length: 64 })
  username: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  /** Epoch milliseconds: one portable representation on MySQL and SQLite. */
  @Column({ name: 'created_at', type: 'bigint', transformer: millisecondsTransformer })
  createdAt: number;
}
