import { randomBytes } from 'node:crypto';
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { PasswordHasher } from './password-hasher.js';
import { ScryptPasswordHasher } from './scrypt-password-hasher.js';

export interface Argon2Parameters {
  /** Memory per hash, KiB. */
  memoryKib: number;
  iterations: number;
  parallelism: number;
}

/** OWASP's first choice (Password Storage Cheat Sheet): argon2id, m = 19 MiB, t = 2, p = 1. */
export const OWASP_ARGON2ID: Argon2Parameters = {
  memoryKib: 19_456,
  iterations: 2,
  parallelism: 1,
};

/** `Algorithm.Argon2id` (a const enum, which isolated modules cannot read from the typings). */
const ARGON2ID = 2 as Algorithm;
const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/;

/**
 * argon2id from @node-rs/argon2 (a maintained Rust binding shipped as prebuilt binaries per
 * platform in npm packages: nothing to compile or download at install). Hashes are PHC
 * strings, so they carry their parameters; hashes of the earlier scrypt hasher still verify
 * (and `needsRehash` says yes, so they are upgraded at the next successful login).
 */
export class Argon2PasswordHasher extends PasswordHasher {
  private dummyHash?: Promise<string>;

  constructor(
    private readonly parameters: Argon2Parameters = OWASP_ARGON2ID,
    private readonly legacy: PasswordHasher = new ScryptPasswordHasher(),
  ) {
    super();
  }

  hash(password: string): Promise<string> {
    return hash(password, {
      algorithm: ARGON2ID,
      memoryCost: this.parameters.memoryKib,
      timeCost: this.parameters.iterations,
      parallelism: this.parameters.parallelism,
    });
  }

  async verify(password: string, storedHash: string): Promise<boolean> {
    if (storedHash.startsWith('$scrypt$')) return this.legacy.verify(password, storedHash);
    if (!PHC.test(storedHash)) return false;
    try {
      return await verify(storedHash, password);
    } catch {
      return false; // a malformed stored hash
    }
  }

  /** Anything but argon2id with exactly the configured parameters. */
  needsRehash(storedHash: string): boolean {
    const match = PHC.exec(storedHash);
    if (!match) return true;
    const [, memoryKib, iterations, parallelism] = match.map(Number);
    return (
      memoryKib !== this.parameters.memoryKib ||
      iterations !== this.parameters.iterations ||
      parallelism !== this.parameters.parallelism
    );
  }

  async verifyDummy(password: string): Promise<void> {
    this.dummyHash ??= this.hash(randomBytes(16).toString('hex'));
    await this.verify(password, await this.dummyHash);
  }
}
