import { ConflictException, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { errorMessage } from '../common/error-message.js';
import { AuthEvents } from '../sessions/auth-events.js';
import { UsernameTakenError } from '../users/users.repository.js';
import { UsersService } from '../users/users.service.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import { PasswordHasher } from './password/password-hasher.js';
import type { LoginSession } from './http-session/login-session.js';

/** The one message for an unknown user and a wrong password (no username probing). */
export const INVALID_CREDENTIALS = 'Invalid username or password.';

/**
 * Sign-up, log-in and log-out, and the one place that emits their AuthEvents (which make
 * scaling count again), each after the write it reports has been committed.
 */
@Injectable()
export class AuthService {
  private readonly logger = new Logger(AuthService.name);

  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly events: AuthEvents,
  ) {}

  /** Creates the account; 409 when the username is taken (decided by the unique index). */
  async signup(username: string, password: string): Promise<AuthenticatedUser> {
    const passwordHash = await this.hasher.hash(password);
    try {
      const user = await this.users.create({ username, passwordHash });
      this.events.emit({ type: 'signup', userId: user.id });
      return { id: user.id, username: user.username, createdAt: user.createdAt };
    } catch (error) {
      if (error instanceof UsernameTakenError) {
        throw new ConflictException(
          `The username "${username}" is already taken: choose another one.`,
        );
      }
      throw error;
    }
  }

  /** Starts `user`'s session (a new session id) and reports the log-in. */
  async login(session: LoginSession, user: AuthenticatedUser): Promise<void> {
    await session.establish(user);
    this.events.emit({ type: 'login', userId: user.id });
  }

  /** Ends the session and reports the log-out. */
  async logout(session: LoginSession, user: AuthenticatedUser): Promise<void> {
    await session.destroy();
    this.events.emit({ type: 'logout', userId: user.id });
  }

  /**
   * Checks the credentials (passport-local calls this). An unknown user costs the same
   * hashing work as a wrong password, and both get the same 401.
   */
  async validateUser(username: string, password: string): Promise<AuthenticatedUser> {
    const user = await this.users.findByUsername(username);
    if (!user) {
      await this.hasher.verifyDummy(password);
      throw new UnauthorizedException(INVALID_CREDENTIALS);
    }
    if (!(await this.hasher.verify(password, user.passwordHash))) {
      throw new UnauthorizedException(INVALID_CREDENTIALS);
    }
    if (this.hasher.needsRehash(user.passwordHash)) await this.rehash(user.id, password);
    return { id: user.id, username: user.username, createdAt: user.createdAt };
  }

  /** Raised hashing parameters reach existing accounts at their next login. */
  private async rehash(userId: number, password: string): Promise<void> {
    try {
      await this.users.updatePasswordHash(userId, await this.hasher.hash(password));
    } catch (error) {
      this.logger.warn(`re-hashing the password of user ${userId} failed: ${errorMessage(error)}`);
    }
  }
}
