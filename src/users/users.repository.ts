import type { User } from './user.entity.js';

export interface NewUser {
  username: string;
  passwordHash: string;
}

/** The username is already held by another user (the database's unique index said so). */
export class UsernameTakenError extends Error {
  constructor(readonly username: string) {
    super(`username "${username}" is already taken`);
    this.name = 'UsernameTakenError';
  }
}

/**
 * Persistence port for users. The abstract class is the DI token: the module binds the
 * TypeORM implementation, unit tests bind a fake.
 */
export abstract class UsersRepository {
  abstract findById(id: number): Promise<User | null>;
  /** Usernames compare case-insensitively (MySQL's *_ci collation, SQLite's NOCASE). */
  abstract findByUsername(username: string): Promise<User | null>;
  /**
   * Inserts the user. Uniqueness is the database's job: a duplicate username surfaces as
   * UsernameTakenError from the unique index, never from a check-then-insert race.
   */
  abstract create(user: NewUser): Promise<User>;
  abstract updatePasswordHash(id: number, passwordHash: string): Promise<void>;
}
