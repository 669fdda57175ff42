import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import passport from 'passport';
import { UsersService } from '../../users/users.service.js';
import type { AuthenticatedUser } from '../authenticated-user.js';

type Done<T> = (error: unknown, value?: T | false) => void;

/**
 * What `session.passport.user` holds: the user as /auth/me returns it, so no request needs
 * to load the user again. Older sessions (and test seeding) hold only the numeric id; those
 * are still accepted and load the user.
 */
export type SerializedUser = AuthenticatedUser | number;

function isAuthenticatedUser(value: unknown): value is AuthenticatedUser {
  if (typeof value !== 'object' || value === null) return false;
  const { id, username, createdAt } = value as Record<string, unknown>;
  return (
    typeof id === 'number' &&
    Number.isInteger(id) &&
    typeof username === 'string' &&
    typeof createdAt === 'number'
  );
}

/**
 * The user id in a session's `passport.user`, whichever shape it has (the store's user_id
 * column), or null when the session has no (valid) user.
 */
export function sessionUserId(passportUser: unknown): number | null {
  if (typeof passportUser === 'number') return Number.isInteger(passportUser) ? passportUser : null;
  return isAuthenticatedUser(passportUser) ? passportUser.id : null;
}

/**
 * The session holds the user as /auth/me returns it ({ id, username, createdAt }; its id is
 * also the store's user_id column), so deserializing needs no query. A username and a
 * creation time never change; a deleted account loses its sessions anyway (the sessions'
 * foreign key cascades), so the copy cannot outlive the user. A session holding only the
 * numeric id (the old format) loads the user as before.
 *
 * passport is a process-wide singleton whose serializers only accumulate (one pair per
 * application instance: a test restarts the app). Each instance registers its own pair at
 * start-up and, once its application is closed, answers 'pass' so passport asks the next
 * (newer) pair: no state outside the instance.
 */
@Injectable()
export class SessionSerializer implements OnModuleInit, OnModuleDestroy {
  private live = false;

  constructor(private readonly users: UsersService) {}

  onModuleInit(): void {
    this.live = true;
    passport.serializeUser((user, done) =>
      this.live ? this.serializeUser(user as AuthenticatedUser, done) : done('pass'),
    );
    passport.deserializeUser((value: unknown, done) =>
      this.live ? this.deserializeUser(value, done) : done('pass'),
    );
  }

  onModuleDestroy(): void {
    this.live = false;
  }

  serializeUser(user: AuthenticatedUser, done: Done<AuthenticatedUser>): void {
    done(null, { id: user.id, username: user.username, createdAt: user.createdAt });
  }

  deserializeUser(value: unknown, done: Done<AuthenticatedUser>): void {
    if (isAuthenticatedUser(value)) {
      return done(null, { id: value.id, username: value.username, createdAt: value.createdAt });
    }
    const id = sessionUserId(value);
    if (id === null) return done(null, false);
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
