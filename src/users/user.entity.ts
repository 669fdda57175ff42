import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { millisecondsTransformer } from '../database/milliseconds.transformer.js';

@Entity({ name: 'users' })
export class User {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  /** Unique (index UQ_users_username): duplicates are rejected by the database, not by a check. */
  @Column({ type: 'varchar', length: 64, unique: true })
  username: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  /** Epoch milliseconds: one portable representation on MySQL and SQLite. */
  @Column({ name: 'created_at', type: 'bigint', transformer: millisecondsTransformer })
  createdAt: number;
}
