import { HttpException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import type { FastifyReply } from 'fastify';
import { Clock } from '../../common/clock.js';
import { FakeClock } from '../../common/testing/fake-clock.js';
import { LOCKED_OUT, LoginLockout } from './login-lockout.js';
import { ThrottleStore } from './throttle-store.js';
import { InMemoryThrottleStore } from './testing/in-memory-throttle.store.js';

describe('LoginLockout', () => {
  let clock: FakeClock;
  let store: InMemoryThrottleStore;

  async function lockoutWith(threshold = 3, baseSeconds = 2, maxSeconds = 10) {
    const moduleRef = await Test.createTestingModule({
      providers: [
        LoginLockout,
        { provide: Clock, useValue: clock },
        { provide: ThrottleStore, useValue: store },
        {
          provide: ConfigService,
          useValue: { get: () => ({ lockout: { threshold, baseSeconds, maxSeconds } }) },
        },
      ],
    }).compile();
    return moduleRef.get(LoginLockout);
  }

  /**
   * One login attempt with a wrong password: 200 when the lock-out let it through (it is
   * counted as a failure), else the status and Retry-After of the refusal.
   */
  async function attempt(lockout: LoginLockout, username: string, address: string) {
    const headers: Record<string, string> = {};
    const response = { header: (name: string, value: string) => (headers[name] = value) };
    try {
      await lockout.begin(username, address, response as unknown as FastifyReply);
      return { status: 200 };
    } catch (error) {
      const http = error as HttpException;
      expect(http.message).toContain(LOCKED_OUT);
      return { status: http.getStatus(), retryAfter: headers['Retry-After'] };
    }
  }
  const response = { header: () => undefined } as unknown as FastifyReply;
  const fail = async (lockout: LoginLockout, username: string, address: string) => {
    await lockout.begin(username, address, response);
  };
  const succeed = async (lockout: LoginLockout, username: string, address: string) =>
    (await lockout.begin(username, address, response)).succeeded();

  beforeEach(() => {
    clock = new FakeClock();
    store = new InMemoryThrottleStore();
  });

  it('locks (user, address) from the threshold on, doubling up to the cap', async () => {
    const lockout = await lockoutWith(3, 2, 10);
    const waits: Array<string | undefined> = [];
    for (let round = 1; round <= 6; round += 1) {
      // Two wrong passwords at once: the second is refused once the first reached the lock.
      await fail(lockout, 'alice', '203.0.113.1');
      const refused = await attempt(lockout, 'alice', '203.0.113.1');
      waits.push(refused.status === 200 ? '-' : refused.retryAfter);
      await clock.advance(60_000); // wait out the lock before the next round
    }
    // Failures 1 and 2 pass; the 3rd locks 2 s, then 4, 8, 16 capped at 10.
    expect(waits).toEqual(['-', '2', '4', '8', '10', '10']);
  });

  it('does not lock the same user from another address, nor another user from the same one', async () => {
    const lockout = await lockoutWith(2);
    await fail(lockout, 'alice', '203.0.113.1');
    await fail(lockout, 'ALICE', '203.0.113.1');
    await expect(attempt(lockout, 'Alice', '203.0.113.1')).resolves.toEqual({
      status: 429,
      retryAfter: '2',
    });
    await expect(attempt(lockout, 'alice', '198.51.100.7')).resolves.toEqual({ status: 200 });
    await expect(attempt(lockout, 'bob', '203.0.113.1')).resolves.toEqual({ status: 200 });
  });

  it('opens again when the lock ends, and a successful login ends the streak', async () => {
    const lockout = await lockoutWith(2);
    await fail(lockout, 'alice', 'A');
    await fail(lockout, 'alice', 'A');
    expect((await attempt(lockout, 'alice', 'A')).status).toBe(429);
    await clock.advance(2_000);
    await succeed(lockout, 'alice', 'A'); // the lock ended: the owner logs in
    await fail(lockout, 'alice', 'A');
    expect((await attempt(lockout, 'alice', 'A')).status).toBe(200); // a new streak of 1
    expect((await attempt(lockout, 'alice', 'A')).status).toBe(429); // ... and 2
  });

  it('forgets a streak after a day without failures', async () => {
    const lockout = await lockoutWith(2);
    await fail(lockout, 'alice', 'A');
    await clock.advance(24 * 60 * 60_000);
    await fail(lockout, 'alice', 'A');
    expect((await attempt(lockout, 'alice', 'A')).status).toBe(200);
  });

  it('counts wrong passwords sent in parallel against each other', async () => {
    const lockout = await lockoutWith(3);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => attempt(lockout, 'alice', '203.0.113.1')),
    );
    // Claimed before their passwords are checked: only the threshold's worth get through.
    expect(results.filter((result) => result.status === 200)).toHaveLength(3);
    expect(results.filter((result) => result.status === 429)).toHaveLength(7);
  });

  it('a successful login ends the streak it was counted in', async () => {
    const lockout = await lockoutWith(3);
    await fail(lockout, 'alice', 'A');
    await fail(lockout, 'alice', 'A');
    await succeed(lockout, 'alice', 'A');
    expect(store.streaks.size).toBe(0);
    await fail(lockout, 'alice', 'A');
    expect((await attempt(lockout, 'alice', 'A')).status).toBe(200);
  });

  it('is off with threshold 0 (the store is never asked)', async () => {
    const lockout = await lockoutWith(0);
    store.failAll = new Error('must not be called');
    for (let i = 0; i < 10; i += 1) await fail(lockout, 'alice', 'A');
    await succeed(lockout, 'alice', 'A');
    expect((await attempt(lockout, 'alice', 'A')).status).toBe(200);
  });
});
