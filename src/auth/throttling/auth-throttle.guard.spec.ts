import { HttpException, type ExecutionContext } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { AuthThrottleGuard } from './auth-throttle.guard.js';
import { Clock } from '../../common/clock.js';
import { FakeClock } from '../../common/testing/fake-clock.js';

class AuthController {
  login(): void {}
}

function contextFor(
  ip: string,
  body: unknown,
  headers: Record<string, string> = {},
): ExecutionContext {
  const response = { setHeader: (name: string, value: string) => (headers[name] = value) };
  return {
    getClass: () => AuthController,
    getHandler: () => AuthController.prototype.login,
    switchToHttp: () => ({ getRequest: () => ({ ip, body }), getResponse: () => response }),
  } as unknown as ExecutionContext;
}

async function guardWith(limit: number, clock = new FakeClock()): Promise<AuthThrottleGuard> {
  const moduleRef = await Test.createTestingModule({
    providers: [
      AuthThrottleGuard,
      { provide: Clock, useValue: clock },
      {
        provide: ConfigService,
        useValue: { get: () => ({ throttleLimit: limit, throttleTtlSeconds: 60 }) },
      },
    ],
  }).compile();
  return moduleRef.get(AuthThrottleGuard);
}

function statusOf(run: () => boolean): number {
  try {
    run();
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
    expect(guard.canActivate(contextFor('10.0.0.1', { username: 'a1' }))).toBe(true);
    expect(guard.canActivate(contextFor('10.0.0.1', { username: 'a2' }))).toBe(true);
    expect(
      statusOf(() => guard.canActivate(contextFor('10.0.0.1', { username: 'a3' }, headers))),
    ).toBe(429);
    expect(headers['Retry-After']).toBe('60');
    expect(guard.canActivate(contextFor('10.0.0.2', { username: 'a4' }))).toBe(true);
    await clock.advance(60_000);
    expect(guard.canActivate(contextFor('10.0.0.1', { username: 'a5' }))).toBe(true);
  });

  it('limits attempts per username across IPs, case-insensitively', async () => {
    const guard = await guardWith(2);
    expect(guard.canActivate(contextFor('10.0.0.1', { username: 'Alice' }))).toBe(true);
    expect(guard.canActivate(contextFor('10.0.0.2', { username: 'alice' }))).toBe(true);
    expect(statusOf(() => guard.canActivate(contextFor('10.0.0.3', { username: 'ALICE' })))).toBe(
      429,
    );
  });

  it('still counts per IP when the body has no usable username', async () => {
    const guard = await guardWith(1);
    expect(guard.canActivate(contextFor('10.0.0.1', { username: 42 }))).toBe(true);
    expect(statusOf(() => guard.canActivate(contextFor('10.0.0.1', undefined)))).toBe(429);
  });

  it('is off with a limit of 0', async () => {
    const guard = await guardWith(0);
    for (let i = 0; i < 100; i += 1)
      expect(guard.canActivate(contextFor('10.0.0.1', { username: 'a' }))).toBe(true);
  });
});
