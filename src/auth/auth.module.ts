import { Module, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { FastifyInstance } from 'fastify';
import { Clock } from '../common/clock.js';
import type { AppConfig } from '../config/index.js';
import { PLATFORM_ROUTES } from '../http/platform-routes.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { SESSION_COOKIE_NAME } from './auth.constants.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { AuthenticatedGuard } from './guards/authenticated.guard.js';
import { LocalAuthGuard } from './guards/local-auth.guard.js';
import { PasswordHasher } from './password/password-hasher.js';
import { Argon2PasswordHasher } from './password/argon2-password-hasher.js';
import { DatabaseSessionStore } from './http-session/database-session.store.js';
import { SessionSerializer } from './http-session/session.serializer.js';
import { registerSessionHooks } from './http-session/session-hooks.js';
import { LocalStrategy } from './strategies/local.strategy.js';
import { AuthThrottlePurgeJob } from './throttling/auth-throttle-purge.job.js';
import { AuthRateLimitRow, LoginFailureRow } from './throttling/auth-throttle.entities.js';
import { AuthThrottleGuard } from './throttling/auth-throttle.guard.js';
import { DatabaseThrottleStore } from './throttling/database-throttle.store.js';
import { LoginLockout } from './throttling/login-lockout.js';
import { ThrottleStore } from './throttling/throttle-store.js';
import { MySessionsController } from './my-sessions/my-sessions.controller.js';
import { MySessionsService } from './my-sessions/my-sessions.service.js';

/**
 * Sign-up, session log-in/log-out over HTTP. Any app importing this module gets the
 * session hooks on its Fastify instance (onModuleInit, so before the server is ready);
 * passport runs the log-in (LocalAuthGuard). Sessions and their count live in SessionsModule.
 */
@Module({
  imports: [
    UsersModule,
    SessionsModule,
    PassportModule.register({ session: true }),
    TypeOrmModule.forFeature([AuthRateLimitRow, LoginFailureRow]),
  ],
  controllers: [AuthController, MySessionsController],
  providers: [
    AuthService,
    LocalStrategy,
    LocalAuthGuard,
    AuthenticatedGuard,
    AuthThrottleGuard,
    { provide: ThrottleStore, useClass: DatabaseThrottleStore },
    LoginLockout,
    AuthThrottlePurgeJob,
    MySessionsService,
    SessionSerializer,
    DatabaseSessionStore,
    {
      provide: PasswordHasher,
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) =>
        new Argon2PasswordHasher(config.get('auth', { infer: true }).argon2),
    },
  ],
  exports: [AuthenticatedGuard],
})
export class AuthModule implements OnModuleInit {
  constructor(
    private readonly store: DatabaseSessionStore,
    private readonly serializer: SessionSerializer,
    private readonly clock: Clock,
    private readonly config: ConfigService<AppConfig, true>,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    // No HTTP server in a standalone application context: nothing to hook.
    const fastify = this.adapterHost.httpAdapter?.getInstance() as FastifyInstance | undefined;
    if (!fastify) return;
    const { secret, ttlSeconds } = this.config.get('session', { infer: true });
    registerSessionHooks(fastify, {
      cookieName: SESSION_COOKIE_NAME,
      secret,
      ttlMs: ttlSeconds * 1000,
      store: this.store,
      serializer: this.serializer,
      clock: this.clock,
      withoutSession: PLATFORM_ROUTES,
    });
  }
}
