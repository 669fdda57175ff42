import { Injectable, OnModuleDestroy } from '@nestjs/common';
import passport from 'passport';
import { UsersService } from '../../users/users.service.js';
import type { AuthenticatedUser } from '../authenticated-user.js';

type Done<T> = (error: unknown, value?: T | false) => void;

let active: SessionSerializer | undefined;
let registered = false;

/**
 * The session holds only the user id (`session.passport.user`, also the store's user_id
 * column). Each request loads the user again, so a deleted account loses its sessions.
 *
 * passport is a process-wide singleton whose serializers only accumulate, while Nest's
 * PassportSerializer registers a new pair per application instance: an app created after
 * another one was closed (a restart in a test) would still call the closed app's
 * deserializer first. So one pair is registered once and forwards to the serializer of
 * the live application.
 */
@Injectable()
export class SessionSerializer implements OnModuleDestroy {
  constructor(private readonly users: UsersService) {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the one live serializer, by design
    active = this;
    if (!registered) {
      registered = true;
      passport.serializeUser((user, done) =>
        forward().serializeUser(user as AuthenticatedUser, done),
      );
      passport.deserializeUser((id: unknown, done) => forward().deserializeUser(id, done));
    }
  }

  onModuleDestroy(): void {
    if (active === this) active = undefined;
  }

  serializeUser(user: AuthenticatedUser, done: Done<number>): void {
    done(null, user.id);
  }

  deserializeUser(id: unknown, done: Done<AuthenticatedUser>): void {
    if (typeof id !== 'number') return done(null, false);
    this.users.findById(id).then(
      (user) =>
        done(
          null,
          user ? { id: user.id, username: user.username, createdAt: user.createdAt } : false,
        ),
      (error: unknown) => done(error),
    );
  }
}

function forward(): SessionSerializer {
  if (!active) throw new Error('no live application has a SessionSerializer');
  return active;
}
