import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../users/user.entity.js';
import { millisecondsTransformer } from '../database/milliseconds.transformer.js';

/**
 * One express-session session. The owner and the expiry are real, indexed columns (not
 * only inside `data`) so active users can be counted and a user's sessions found cheaply.
 */
@Entity({ name: 'sessions' })
@Index('IDX_sessions_expires_at_user_id', ['expiresAt', 'userId'])
@Index('IDX_sessions_user_id_expires_at', ['userId', 'expiresAt'])
export class Session {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  sid: string;

  @Column({ name: 'user_id', type: 'integer', nullable: true })
  userId: number | null;

  /** Sessions go with their user (FK_sessions_user_id, ON DELETE CASCADE). Never loaded. */
  @ManyToOne(() => User, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_sessions_user_id' })
  user?: User;

  /** Epoch milliseconds after which the session is dead. */
  @Column({ name: 'expires_at', type: 'bigint', transformer: millisecondsTransformer })
  expiresAt: number;

  /** Epoch ms of the log-in that created it; the absolute lifetime counts from here. */
  @Column({
    name: 'created_at',
    type: 'bigint',
    nullable: true,
    transformer: millisecondsTransformer,
  })
  createdAt: number | null;

  /** Epoch ms of its last write (a request that moved its expiry, see touchAfter). */
  @Column({
    name: 'last_seen_at',
    type: 'bigint',
    nullable: true,
    transformer: millisecondsTransformer,
  })
  lastSeenAt: number | null;

  /** The User-Agent of the log-in (first 255 characters), for the user's session list. */
  @Column({ name: 'user_agent', type: 'varchar', length: 255, nullable: true })
  userAgent: string | null;

  /** The serialized session (JSON). */
  @Column({ type: 'text' })
  data: string;
}
