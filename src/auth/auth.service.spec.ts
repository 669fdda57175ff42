import { jest } from '@jest/globals';
import { ConflictException, UnauthorizedException } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { User } from '../users/user.entity.js';
import { UsernameTakenError } from '../users/users.repository.js';
import { UsersService } from '../users/users.service.js';
import { AuthEvents, type AuthEvent } from '../sessions/auth-events.js';
import { AuthService, INVALID_CREDENTIALS } from './auth.service.js';
import { PasswordHasher } from './password/password-hasher.js';
import type { LoginSession } from './http-session/login-session.js';

/** Reversible fake: "hash:<password>", with a call log to check the dummy verification. */
class FakeHasher extends PasswordHasher {
  readonly calls: string[] = [];
  outdated = false;
  async hash(password: string): Promise<string> {
    return `hash:${password}`;
  }
  async verify(password: string, storedHash: string): Promise<boolean> {
    this.calls.push('verify');
    return storedHash === `hash:${password}`;
  }
  needsRehash(): boolean {
    return this.outdated;
  }
  async verifyDummy(): Promise<void> {
    this.calls.push('dummy');
  }
}

describe('AuthService', () => {
  let service: AuthService;
  let hasher: FakeHasher;
  let events: AuthEvent[];
  const rows = new Map<string, User>();
  const users = {
    findByUsername: jest.fn(
      async (username: string): Promise<User | null> => rows.get(username) ?? null,
    ),
    create: jest.fn(
      async ({
        username,
        passwordHash,
      }: {
        username: string;
        passwordHash: string;
      }): Promise<User> => {
        if (rows.has(username)) throw new UsernameTakenError(username);
        const user = { id: rows.size + 1, username, passwordHash, createdAt: 1_700_000_000_000 };
        rows.set(username, user);
        return user;
      },
    ),
    updatePasswordHash: jest.fn(async () => undefined),
  };

  const alice = { id: 1, username: 'alice', createdAt: 1_700_000_000_000 };
  const fakeSession = (steps: string[]): LoginSession => ({
    establish: async (user) => {
      steps.push(`establish ${user.id}`);
    },
    destroy: async () => {
      steps.push('destroy');
    },
  });
  let authEvents: AuthEvents;
  const moduleEvents = (steps: string[]) =>
    authEvents.events$.subscribe((event) => steps.push(`event ${event.type} ${event.userId}`));

  beforeEach(async () => {
    rows.clear();
    jest.clearAllMocks();
    const moduleRef = await Test.createTestingModule({
      providers: [
        AuthService,
        AuthEvents,
        { provide: UsersService, useValue: users },
        { provide: PasswordHasher, useClass: FakeHasher },
      ],
    }).compile();
    service = moduleRef.get(AuthService);
    hasher = moduleRef.get(PasswordHasher);
    events = [];
    authEvents = moduleRef.get(AuthEvents);
    authEvents.events$.subscribe((event) => events.push(event));
  });

  it('signs up with a hashed password and emits signup', async () => {
    await expect(service.signup('alice', 'password1')).resolves.toEqual({
      id: 1,
      username: 'alice',
      createdAt: 1_700_000_000_000,
    });
    expect(users.create).toHaveBeenCalledWith({
      username: 'alice',
      passwordHash: 'hash:password1',
    });
    expect(events).toEqual([{ type: 'signup', userId: 1 }]);
  });

  it('turns a taken username into 409', async () => {
    await service.signup('alice', 'password1');
    await expect(service.signup('alice', 'password2')).rejects.toBeInstanceOf(ConflictException);
    expect(events).toHaveLength(1);
  });

  it('validates the right credentials', async () => {
    await service.signup('alice', 'password1');
    await expect(service.validateUser('alice', 'password1')).resolves.toMatchObject({
      id: 1,
      username: 'alice',
    });
    expect(users.updatePasswordHash).not.toHaveBeenCalled();
  });

  it('gives the same 401 for a wrong password and an unknown user, spending a verification on both', async () => {
    await service.signup('alice', 'password1');
    const wrong = await service.validateUser('alice', 'nope-nope').catch((error: unknown) => error);
    const unknown = await service
      .validateUser('nobody', 'nope-nope')
      .catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(UnauthorizedException);
    expect(unknown).toBeInstanceOf(UnauthorizedException);
    expect((wrong as Error).message).toBe(INVALID_CREDENTIALS);
    expect((unknown as Error).message).toBe(INVALID_CREDENTIALS);
    expect(hasher.calls).toEqual(['verify', 'dummy']);
  });

  it('starts the session, then reports the log-in; a failed session reports nothing', async () => {
    const steps: string[] = [];
    moduleEvents(steps);
    const session = fakeSession(steps);
    await service.login(session, alice);
    expect(steps).toEqual(['establish 1', 'event login 1']);

    const broken = { ...session, establish: () => Promise.reject(new Error('store down')) };
    await expect(service.login(broken, alice)).rejects.toThrow('store down');
    expect(events).toEqual([{ type: 'login', userId: 1 }]);
  });

  it('destroys the session, then reports the log-out', async () => {
    const steps: string[] = [];
    moduleEvents(steps);
    await service.logout(fakeSession(steps), alice);
    expect(steps).toEqual(['destroy', 'event logout 1']);
  });

  it('re-hashes an outdated hash after a successful login', async () => {
    await service.signup('alice', 'password1');
    hasher.outdated = true;
    await service.validateUser('alice', 'password1');
    expect(users.updatePasswordHash).toHaveBeenCalledWith(1, 'hash:password1');
  });
});
