import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PassportModule } from '@nestjs/passport';
import session from 'express-session';
import passport from 'passport';
import { Clock, SystemClock } from '../common/clock.js';
import type { AppConfig } from '../config/index.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { UsersModule } from '../users/users.module.js';
import { SESSION_COOKIE_NAME } from './auth.constants.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { AuthenticatedGuard } from './guards/authenticated.guard.js';
import { LocalAuthGuard } from './guards/local-auth.guard.js';
import { PasswordHasher } from './password/password-hasher.js';
import { Argon2PasswordHasher } from './password/argon2-password-hasher.js';
import { DatabaseSessionStore } from './session/database-session.store.js';
import { SessionSerializer } from './session/session.serializer.js';
import { sessionUser } from './session/session-user.middleware.js';
import { LocalStrategy } from './strategies/local.strategy.js';
import { AuthThrottlePurgeJob } from './throttling/auth-throttle-purge.job.js';
import { AuthThrottleGuard } from './throttling/auth-throttle.guard.js';
import { DatabaseThrottleStore } from './throttling/database-throttle.store.js';
import { LoginLockout } from './throttling/login-lockout.js';
import { ThrottleStore } from './throttling/throttle-store.js';
import { UserSessionsController } from './user-sessions/user-sessions.controller.js';
import { UserSessionsService } from './user-sessions/user-sessions.service.js';

/**
 * Sign-up, session log-in/log-out over HTTP. Any app importing this module gets the session
 * and passport middleware (see configure). Sessions and their count live in SessionsModule.
 */
@Module({
  imports: [UsersModule, SessionsModule, PassportModule.register({ session: true })],
  controllers: [AuthController, UserSessionsController],
  providers: [
    AuthService,
    LocalStrategy,
    LocalAuthGuard,
    AuthenticatedGuard,
    AuthThrottleGuard,
    { provide: ThrottleStore, useClass: DatabaseThrottleStore },
    LoginLockout,
    AuthThrottlePurgeJob,
    UserSessionsService,
    { provide: Clock, useClass: SystemClock },
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
export class AuthModule implements NestModule {
  constructor(
    private readonly store: DatabaseSessionStore,
    private readonly serializer: SessionSerializer,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    const { secret, ttlSeconds } = this.config.get('session', { infer: true });
    consumer
      .apply(
        session({
          name: SESSION_COOKIE_NAME,
          secret,
          store: this.store,
          resave: false,
          saveUninitialized: false,
          // Every response pushes the expiry out (idle timeout) and re-sends the cookie.
          rolling: true,
          // 'auto': Secure exactly when the request is HTTPS (behind a proxy: TRUST_PROXY).
          cookie: {
            httpOnly: true,
            sameSite: 'lax',
            secure: 'auto',
            maxAge: ttlSeconds * 1000,
            path: '/',
          },
        }),
        passport.initialize(),
        // Instead of passport.session(): the same req.user, without its per-request cost.
        sessionUser(this.serializer),
      )
      .exclude('healthz', 'readyz', 'metrics')
      .forRoutes('{*splat}');
  }
}
