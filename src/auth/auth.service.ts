import { ConflictException, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { UsernameTakenError } from '../users/users.repository.js';
import { UsersService } from '../users/users.service.js';
import { AuthEvents } from './auth-events.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import { PasswordHasher } from './password/password-hasher.js';

/** The one message for an unknown user and a wrong password (no username probing). */
export const INVALID_CREDENTIALS = 'Invalid username or password.';

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
      this.logger.warn(
        `re-hashing the password of user ${userId} failed: ${(error as Error).message}`,
      );
    }
  }
}
