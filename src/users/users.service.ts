import { Injectable } from '@nestjs/common';
import type { User } from './user.entity.js';
import { NewUser, UsersRepository } from './users.repository.js';

/** User persistence use cases; the password hashing lives in auth (PasswordHasher). */
@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  findById(id: number): Promise<User | null> {
    return this.users.findById(id);
  }

  findByUsername(username: string): Promise<User | null> {
    return this.users.findByUsername(username);
  }

  /** Rejects with UsernameTakenError when the username exists. */
  create(user: NewUser): Promise<User> {
    return this.users.create(user);
  }

  updatePasswordHash(id: number, passwordHash: string): Promise<void> {
    return this.users.updatePasswordHash(id, passwordHash);
  }
}
