import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import session from 'express-session';
import passport from 'passport';
import type { AppConfig } from '../config/index.js';
import { UsersModule } from '../users/users.module.js';
import { SESSION_COOKIE_NAME } from './auth.constants.js';
import { AuthController } from './auth.controller.js';
import { AuthEvents } from './auth-events.js';
import { AuthService } from './auth.service.js';
import { AuthenticatedGuard } from './guards/authenticated.guard.js';
import { LocalAuthGuard } from './guards/local-auth.guard.js';
import { PasswordHasher } from './password/password-hasher.js';
import { ScryptPasswordHasher } from './password/scrypt-password-hasher.js';
import { ActiveUserCountSource } from './session/active-user-count.source.js';
import { Session } from './session/session.entity.js';
import { SessionPurger } from './session/session-purger.js';
import { SessionSerializer } from './session/session.serializer.js';
import { TypeormSessionStore } from './session/typeorm-session.store.js';
import { LocalStrategy } from './strategies/local.strategy.js';
import { AuthThrottleGuard } from './throttling/auth-throttle.guard.js';
import { Clock, SystemClock } from '../common/clock.js';

/**
 * Sign-up, session log-in/log-out. Any app importing this module gets the session and
 * passport middleware (see configure). Exports AuthEvents and ActiveUserCountSource for
 * the scaling module, and AuthenticatedGuard for other protected routes.
 */
@Module({
  imports: [
    UsersModule,
    TypeOrmModule.forFeature([Session]),
    PassportModule.register({ session: true }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    AuthEvents,
    LocalStrategy,
    LocalAuthGuard,
    AuthenticatedGuard,
    AuthThrottleGuard,
    { provide: Clock, useClass: SystemClock },
    SessionSerializer,
    TypeormSessionStore,
    SessionPurger,
    { provide: ActiveUserCountSource, useExisting: TypeormSessionStore },
    { provide: PasswordHasher, useFactory: () => new ScryptPasswordHasher() },
  ],
  exports: [AuthEvents, ActiveUserCountSource, AuthenticatedGuard],
})
export class AuthModule implements NestModule {
  constructor(
    private readonly store: TypeormSessionStore,
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
        passport.session(),
      )
      .exclude('healthz', 'readyz', 'metrics')
      .forRoutes('{*splat}');
  }
}
