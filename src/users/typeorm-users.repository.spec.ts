import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { FakeClock } from '../common/testing/fake-clock.js';
import { inMemoryDatabaseModule } from '../database/testing/in-memory-database.js';
import { TypeormUsersRepository } from './typeorm-users.repository.js';
import { User } from './user.entity.js';
import { UsernameTakenError } from './users.repository.js';

// The TypeORM adapter against the real migrations on in-memory SQLite (MariaDB: test/auth).
describe('TypeormUsersRepository (SQLite)', () => {
  let repository: TypeormUsersRepository;
  let dataSource: DataSource;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [inMemoryDatabaseModule(), TypeOrmModule.forFeature([User])],
      providers: [TypeormUsersRepository, { provide: Clock, useValue: new FakeClock() }],
    }).compile();
    repository = moduleRef.get(TypeormUsersRepository);
    dataSource = moduleRef.get(DataSource);
  });

  afterEach(() => dataSource.destroy());

  it('inserts and reads users back', async () => {
    const created = await repository.create({ username: 'alice', passwordHash: 'hash' });
    expect(created).toEqual({
      id: expect.any(Number),
      username: 'alice',
      passwordHash: 'hash',
      createdAt: expect.any(Number),
    });
    await expect(repository.findById(created.id)).resolves.toEqual(created);
    await expect(repository.findByUsername('Alice')).resolves.toEqual(created);
  });

  it('maps the unique-index violation to UsernameTakenError, case-insensitively', async () => {
    await repository.create({ username: 'alice', passwordHash: 'hash' });
    await expect(
      repository.create({ username: 'alice', passwordHash: 'x' }),
    ).rejects.toBeInstanceOf(UsernameTakenError);
    await expect(
      repository.create({ username: 'ALICE', passwordHash: 'x' }),
    ).rejects.toBeInstanceOf(UsernameTakenError);
  });

  it('updates the password hash', async () => {
    const created = await repository.create({ username: 'bob', passwordHash: 'old' });
    await repository.updatePasswordHash(created.id, 'new');
    await expect(repository.findById(created.id)).resolves.toMatchObject({ passwordHash: 'new' });
  });
});
