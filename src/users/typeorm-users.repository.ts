import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../database/unique-violation.js';
import { User } from './user.entity.js';
import { NewUser, UsernameTakenError, UsersRepository } from './users.repository.js';

/** UsersRepository on TypeORM (MySQL/MariaDB or SQLite). */
@Injectable()
export class TypeormUsersRepository extends UsersRepository {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly clock: Clock,
  ) {
    super();
  }

  findById(id: number): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  findByUsername(username: string): Promise<User | null> {
    return this.users.findOneBy({ username });
  }

  async create({ username, passwordHash }: NewUser): Promise<User> {
    const user = this.users.create({ username, passwordHash, createdAt: this.clock.now() });
    try {
      // insert, not save: save() would SELECT first, and the unique index is the only judge.
      const result = await this.users.insert(user);
      user.id = Number(result.identifiers[0]?.id ?? user.id);
      return user;
    } catch (error) {
      if (isUniqueViolation(error)) throw new UsernameTakenError(username);
      throw error;
    }
  }

  async updatePasswordHash(id: number, passwordHash: string): Promise<void> {
    await this.users.update({ id }, { passwordHash });
  }
}
