import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../../config/index.js';
import { Clock } from '../../common/clock.js';
import { ThrottleStore } from './throttle-store.js';
import { tooManyAttempts } from './too-many-attempts.js';

/** The username an attempt names, if its body has one (guards run before validation). */
export function attemptedUsername(body: unknown): string | undefined {
  const username = (body as { username?: unknown } | undefined)?.username;
  return typeof username === 'string' && username.length > 0 && username.length <= 256
    ? username.toLowerCase()
    : undefined;
}

/**
 * Rate limit for sign-up and log-in (UseGuards on those routes only): at most
 * AUTH_THROTTLE_LIMIT attempts per AUTH_THROTTLE_TTL_SECONDS fixed window per route, both
 * per client IP (req.ip, so TRUST_PROXY decides whether X-Forwarded-For counts) and per
 * username from that IP (case-insensitive, like usernames). A limit of 0 turns it off (load
 * tests). Not per username alone: then anyone could keep any user from logging in, from
 * every address, by naming them in ~20 requests a minute (OWASP: no lock-out an attacker
 * can trigger for someone else).
 * Over the limit: 429 in the one error shape, with Retry-After.
 *
 * The windows live in the ThrottleStore, the database in the app: every api replica counts
 * against the same windows, so N replicas still accept exactly the limit. A database that
 * cannot be reached fails the attempt with its error, which the exception filter answers
 * with 503 + Retry-After (an attempt that cannot be counted is not let through).
 *
 * Why not @nestjs/throttler: its 6.x (the latest) is CommonJS and require()s @nestjs/common,
 * which is ES-module-only in Nest 12. Node 20.19+ can do that, but Jest on Node 20 cannot
 * (it needs Node 24.9+), so the e2e suite could not load the app. Same semantics.
 */
@Injectable()
export class AuthThrottleGuard implements CanActivate {
  private readonly limit: number;
  private readonly ttlMs: number;

  constructor(
    config: ConfigService<AppConfig, true>,
    private readonly clock: Clock,
    private readonly store: ThrottleStore,
  ) {
    const { throttleLimit, throttleTtlSeconds } = config.get('auth', { infer: true });
    this.limit = throttleLimit;
    this.ttlMs = throttleTtlSeconds * 1000;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.limit === 0) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const route = `${context.getClass().name}.${context.getHandler().name}`;
    const username = attemptedUsername(request.body);
    const keys = [`${route}|ip|${request.ip ?? 'unknown'}`];
    if (username !== undefined)
      keys.push(`${route}|username|${username}|ip|${request.ip ?? 'unknown'}`);

    const now = this.clock.now();
    const windows = await this.store.hit(keys, this.ttlMs, now);
    const retryAfterMs = Math.max(
      0,
      ...windows.filter((window) => window.hits > this.limit).map((w) => w.resetAt - now),
    );
    if (retryAfterMs === 0) return true;
    return tooManyAttempts(http.getResponse<FastifyReply>(), retryAfterMs, 'Too many attempts');
  }
}
