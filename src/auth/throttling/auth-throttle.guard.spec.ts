import { HttpException, type ExecutionContext } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { AuthThrottleGuard } from './auth-throttle.guard.js';
import { Clock } from '../../common/clock.js';
import { FakeClock } from '../../common/testing/fake-clock.js';
import { isDatabaseUnavailable } from '../../database/database-unavailable.js';
import { ThrottleStore } from './throttle-store.js';
import { InMemoryThrottleStore } from './testing/in-memory-throttle.store.js';

class AuthController {
  login(): void {}
}

function contextFor(
  ip: string,
  body: unknown,
  headers: Record<string, string> = {},
): ExecutionContext {
  const response = { header: (name: string, value: string) => (headers[name] = value) };
  return {
    getClass: () => AuthController,
    getHandler: () => AuthController.prototype.login,
    switchToHttp: () => ({ getRequest: () => ({ ip, body }), getResponse: () => response }),
  } as unknown as ExecutionContext;
}

/** A guard as one api replica has it; replicas given the same store share its counters. */
async function guardWith(
  limit: number,
  clock = new FakeClock(),
  store: ThrottleStore = new InMemoryThrottleStore(),
): Promise<AuthThrottleGuard> {
  const moduleRef = await Test.createTestingModule({
    providers: [
      AuthThrottleGuard,
      { provide: Clock, useValue: clock },
      { provide: ThrottleStore, useValue: store },
      {
        provide: ConfigService,
        useValue: { get: () => ({ throttleLimit: limit, throttleTtlSeconds: 60 }) },
      },
    ],
  }).compile();
  return moduleRef.get(AuthThrottleGuard);
}

async function statusOf(run: () => Promise<boolean>): Promise<number> {
  try {
    await run();
    return 200;
  } catch (error) {
    return (error as HttpException).getStatus();
  }
}

describe('AuthThrottleGuard', () => {
  it('allows `limit` attempts per IP, then 429 with Retry-After, until the window ends', async () => {
    const clock = new FakeClock();
    const guard = await guardWith(2, clock);
    const headers: Record<string, string> = {};
    expect(await guard.canActivate(contextFor('10.0.0.1', { username: 'a1' }))).toBe(true);
    expect(await guard.canActivate(contextFor('10.0.0.1', { username: 'a2' }))).toBe(true);
    expect(
      await statusOf(() => guard.canActivate(contextFor('10.0.0.1', { username: 'a3' }, headers))),
    ).toBe(429);
    expect(headers['Retry-After']).toBe('60');
    expect(await guard.canActivate(contextFor('10.0.0.2', { username: 'a4' }))).toBe(true);
    await clock.advance(60_000);
    expect(await guard.canActivate(contextFor('10.0.0.1', { username: 'a5' }))).toBe(true);
  });

  it('limits attempts per username from one IP, case-insensitively', async () => {
    const guard = await guardWith(2);
    expect(await guard.canActivate(contextFor('10.0.0.1', { username: 'Alice' }))).toBe(true);
    expect(await guard.canActivate(contextFor('10.0.0.1', { username: 'alice' }))).toBe(true);
    expect(
      await statusOf(() => guard.canActivate(contextFor('10.0.0.1', { username: 'ALICE' }))),
    ).toBe(429);
  });

  it('lets nobody keep a user out from another IP by naming them', async () => {
    const guard = await guardWith(2);
    // An attacker names alice from many addresses, far past the limit in all...
    for (let i = 0; i < 10; i++) {
      await guard.canActivate(contextFor(`192.0.2.${i}`, { username: 'alice' }));
    }
    // ...and alice, from her own address, is not throttled.
    expect(await guard.canActivate(contextFor('10.0.0.9', { username: 'alice' }))).toBe(true);
  });

  it('still counts per IP when the body has no usable username', async () => {
    const guard = await guardWith(1);
    expect(await guard.canActivate(contextFor('10.0.0.1', { username: 42 }))).toBe(true);
    expect(await statusOf(() => guard.canActivate(contextFor('10.0.0.1', undefined)))).toBe(429);
  });

  it('is off with a limit of 0', async () => {
    const store = new InMemoryThrottleStore();
    const guard = await guardWith(0, new FakeClock(), store);
    for (let i = 0; i < 100; i += 1)
      expect(await guard.canActivate(contextFor('10.0.0.1', { username: 'a' }))).toBe(true);
    expect(store.windows.size).toBe(0);
  });

  it('holds the limit across replicas that share the store', async () => {
    const clock = new FakeClock();
    const store = new InMemoryThrottleStore();
    const replicas = [await guardWith(3, clock, store), await guardWith(3, clock, store)];
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      const guard = replicas[i % 2];
      statuses.push(
        await statusOf(() => guard.canActivate(contextFor('10.0.0.1', { username: `u${i}` }))),
      );
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
  });

  it("passes the store's unreachable-database error on (the filter answers 503), letting nothing through", async () => {
    const store = new InMemoryThrottleStore();
    store.failAll = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), {
      code: 'ECONNREFUSED',
    });
    const guard = await guardWith(3, new FakeClock(), store);
    const error = await guard
      .canActivate(contextFor('10.0.0.1', { username: 'a' }))
      .catch((e: unknown) => e);
    expect(error).toBe(store.failAll);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });
});
