/**
 * Hashes and verifies passwords. The abstract class is the DI token (ScryptPasswordHasher
 * in the app, a fast fake in unit tests).
 */
export abstract class PasswordHasher {
  /** A self-describing hash string (algorithm, parameters, salt, hash). */
  abstract hash(password: string): Promise<string>;
  /** Constant-time comparison; false (never a throw) for a malformed stored hash. */
  abstract verify(password: string, storedHash: string): Promise<boolean>;
  /** True when the stored hash used weaker parameters than the current ones. */
  abstract needsRehash(storedHash: string): boolean;
  /**
   * Spends the same work as `verify` against a throwaway hash, so that "unknown user"
   * takes as long as "wrong password" and response times do not reveal usernames.
   */
  abstract verifyDummy(password: string): Promise<void>;
}
