import { jest } from '@jest/globals';
import type { User } from '../../users/user.entity.js';
import type { UsersService } from '../../users/users.service.js';
import type { AuthenticatedUser } from '../authenticated-user.js';
import { SessionSerializer, sessionUserId } from './session.serializer.js';

describe('SessionSerializer', () => {
  const erin: AuthenticatedUser = { id: 7, username: 'erin', createdAt: 1_700_000_000_000 };
  const findById = jest.fn(async (id: number): Promise<User | null> =>
    id === erin.id ? ({ ...erin, passwordHash: 'h' } as User) : null,
  );
  const serializer = new SessionSerializer({ findById } as unknown as UsersService);
  const deserialize = (value: unknown) =>
    new Promise<AuthenticatedUser | false | undefined>((resolve, reject) =>
      serializer.deserializeUser(value, (error, user) => (error ? reject(error) : resolve(user))),
    );

  beforeEach(() => findById.mockClear());
  afterAll(() => serializer.onModuleDestroy());

  it('serializes what /auth/me returns, and nothing more', () => {
    let stored: unknown;
    serializer.serializeUser({ ...erin, passwordHash: 'h' } as AuthenticatedUser, (_e, value) => {
      stored = value;
    });
    expect(stored).toEqual(erin);
  });

  it('deserializes the user object without a query', async () => {
    await expect(deserialize({ ...erin })).resolves.toEqual(erin);
    expect(findById).not.toHaveBeenCalled();
  });

  it('still accepts the old numeric id, loading the user', async () => {
    await expect(deserialize(7)).resolves.toEqual(erin);
    expect(findById).toHaveBeenCalledWith(7);
    await expect(deserialize(8)).resolves.toBe(false); // deleted user
  });

  it('rejects anything else without a query', async () => {
    for (const value of [
      undefined,
      null,
      '7',
      { id: 7 },
      { id: '7', username: 'x', createdAt: 0 },
    ]) {
      await expect(deserialize(value)).resolves.toBe(false);
    }
    expect(findById).not.toHaveBeenCalled();
  });

  it('reads the user id from either shape', () => {
    expect(sessionUserId(erin)).toBe(7);
    expect(sessionUserId(7)).toBe(7);
    expect(sessionUserId(undefined)).toBeNull();
    expect(sessionUserId(1.5)).toBeNull();
    expect(sessionUserId({ id: 7 })).toBeNull();
  });
});
