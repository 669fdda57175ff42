import {
  CanActivate,
  ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request, Response } from 'express';
import type { AppConfig } from '../../config/index.js';
import { Clock } from '../../common/clock.js';

/** The username an attempt names, if its body has one (guards run before validation). */
export function attemptedUsername(body: unknown): string | undefined {
  const username = (body as { username?: unknown } | undefined)?.username;
  return typeof username === 'string' && username.length > 0 && username.length <= 256
    ? username.toLowerCase()
    : undefined;
}

interface Window {
  hits: number;
  resetAt: number;
}

/** Past this many tracked keys, expired windows are dropped at once (memory bound). */
const PRUNE_ABOVE = 10_000;

/**
 * Rate limit for sign-up and log-in (UseGuards on those routes only): at most
 * AUTH_THROTTLE_LIMIT attempts per AUTH_THROTTLE_TTL_SECONDS fixed window per route, both
 * per client IP (req.ip, so TRUST_PROXY decides whether X-Forwarded-For counts) and per
 * username (case-insensitive, like usernames). A limit of 0 turns it off (load tests).
 * Over the limit: 429 in the one error shape, with Retry-After.
 *
 * Why not @nestjs/throttler: its 6.x (the latest) is CommonJS and require()s @nestjs/common,
 * which is ES-module-only in Nest 12. Node 20.19+ can do that, but Jest on Node 20 cannot
 * (it needs Node 24.9+), so the e2e suite could not load the app. Same semantics, one file.
 *
 * Counters live in each process's memory: with N api replicas an attacker gets at most N
 * times the limit (a shared store would be the next step if that matters).
 */
@Injectable()
export class AuthThrottleGuard implements CanActivate {
  private readonly limit: number;
  private readonly ttlMs: number;
  private readonly windows = new Map<string, Window>();

  constructor(
    config: ConfigService<AppConfig, true>,
    private readonly clock: Clock,
  ) {
    const { throttleLimit, throttleTtlSeconds } = config.get('auth', { infer: true });
    this.limit = throttleLimit;
    this.ttlMs = throttleTtlSeconds * 1000;
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.limit === 0) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const route = `${context.getClass().name}.${context.getHandler().name}`;
    const username = attemptedUsername(request.body);
    const keys = [`${route}|ip|${request.ip ?? 'unknown'}`];
    if (username !== undefined) keys.push(`${route}|username|${username}`);

    const now = this.clock.now();
    if (this.windows.size > PRUNE_ABOVE) this.prune(now);
    let retryAfterMs = 0;
    for (const key of keys) {
      let window = this.windows.get(key);
      if (!window || window.resetAt <= now) {
        window = { hits: 0, resetAt: now + this.ttlMs };
        this.windows.set(key, window);
      }
      window.hits += 1;
      if (window.hits > this.limit) retryAfterMs = Math.max(retryAfterMs, window.resetAt - now);
    }
    if (retryAfterMs === 0) return true;

    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    http.getResponse<Response>().setHeader('Retry-After', String(seconds));
    throw new HttpException(
      `Too many attempts: try again in ${seconds} seconds.`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}
