import { Test } from '@nestjs/testing';
import type { User } from './user.entity.js';
import { NewUser, UsernameTakenError, UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

/** A strict in-memory UsersRepository: the unique rule is enforced like the database does. */
class InMemoryUsersRepository extends UsersRepository {
  readonly rows: User[] = [];

  async findById(id: number): Promise<User | null> {
    return this.rows.find((user) => user.id === id) ?? null;
  }

  async findByUsername(username: string): Promise<User | null> {
    return this.rows.find((user) => user.username.toLowerCase() === username.toLowerCase()) ?? null;
  }

  async create({ username, passwordHash }: NewUser): Promise<User> {
    if (await this.findByUsername(username)) throw new UsernameTakenError(username);
    const user = { id: this.rows.length + 1, username, passwordHash, createdAt: 1_700_000_000_000 };
    this.rows.push(user);
    return user;
  }

  async updatePasswordHash(id: number, passwordHash: string): Promise<void> {
    const user = await this.findById(id);
    if (user) user.passwordHash = passwordHash;
  }
}

describe('UsersService', () => {
  let service: UsersService;
  let repository: InMemoryUsersRepository;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({
      providers: [UsersService, { provide: UsersRepository, useClass: InMemoryUsersRepository }],
    }).compile();
    service = moduleRef.get(UsersService);
    repository = moduleRef.get(UsersRepository);
  });

  it('creates a user and finds it by id and by username', async () => {
    const created = await service.create({ username: 'alice', passwordHash: 'h' });
    await expect(service.findById(created.id)).resolves.toEqual(created);
    await expect(service.findByUsername('ALICE')).resolves.toEqual(created);
    await expect(service.findById(999)).resolves.toBeNull();
  });

  it('passes on UsernameTakenError from the repository', async () => {
    await service.create({ username: 'alice', passwordHash: 'h' });
    await expect(service.create({ username: 'alice', passwordHash: 'h2' })).rejects.toBeInstanceOf(
      UsernameTakenError,
    );
    expect(repository.rows).toHaveLength(1);
  });

  it('updates the password hash', async () => {
    const created = await service.create({ username: 'bob', passwordHash: 'old' });
    await service.updatePasswordHash(created.id, 'new');
    await expect(service.findById(created.id)).resolves.toMatchObject({ passwordHash: 'new' });
  });
});
