import type { User } from '../user.entity.js';

/** A user as the API shows it: never the password hash. */
export class UserResponseDto {
  /** @example 42 */
  id: number;
  /** @example alice */
  username: string;
  /**
   * When the account was created (ISO 8601, UTC).
   * @example 2026-01-01T12:00:00.000Z
   */
  createdAt: string;

  static from(user: Pick<User, 'id' | 'username' | 'createdAt'>): UserResponseDto {
    return Object.assign(new UserResponseDto(), {
      id: user.id,
      username: user.username,
      createdAt: new Date(user.createdAt).toISOString(),
    });
  }
}
