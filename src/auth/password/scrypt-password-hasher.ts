import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { PasswordHasher } from './password-hasher.js';

export interface ScryptParameters {
  /** log2 of the CPU/memory cost N. */
  logN: number;
  /** Block size. Memory per hash is 128 * N * r bytes. */
  r: number;
  /** Parallelisation. */
  p: number;
}

/**
 * OWASP's scrypt setting with 16 MiB per hash (N=2^14, r=8, p=5), equivalent in strength
 * to its 128 MiB N=2^17, p=1 line but gentler on a pod's memory limit when several logins
 * hash at once (libuv runs up to four in parallel).
 */
export const DEFAULT_SCRYPT_PARAMETERS: ScryptParameters = { logN: 14, r: 8, p: 5 };

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
// $scrypt$ln=14,r=8,p=5$<salt base64>$<hash base64> (the PHC string format).
const FORMAT =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

function scryptAsync(
  password: string,
  salt: Buffer,
  length: number,
  options: ScryptOptions,
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, length, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/**
 * scrypt from node:crypto: memory-hard, a fresh random salt per password, the parameters
 * stored in the hash string so they can be raised later (old hashes still verify and are
 * re-hashed at the next login, see needsRehash), constant-time comparison.
 * Built with a factory provider (its constructor takes plain parameters, not services).
 *
 * Why not the argon2 package: it is a native add-on that must be compiled or downloaded
 * as a prebuilt binary for every platform and Node version we ship; scrypt is built into
 * Node, memory-hard as well, and accepted by OWASP, so the image needs nothing extra.
 */
export class ScryptPasswordHasher extends PasswordHasher {
  private dummyHash?: Promise<string>;

  constructor(private readonly parameters: ScryptParameters = DEFAULT_SCRYPT_PARAMETERS) {
    super();
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_LENGTH);
    const key = await this.derive(password, salt, this.parameters, KEY_LENGTH);
    const { logN, r, p } = this.parameters;
    return `$scrypt$ln=${logN},r=${r},p=${p}$${salt.toString('base64')}$${key.toString('base64')}`;
  }

  async verify(password: string, storedHash: string): Promise<boolean> {
    const parsed = this.parse(storedHash);
    if (!parsed) return false;
    const key = await this.derive(password, parsed.salt, parsed.parameters, parsed.key.length);
    return timingSafeEqual(key, parsed.key);
  }

  /** Any difference from the configured parameters (usually: they were raised since). */
  needsRehash(storedHash: string): boolean {
    const parsed = this.parse(storedHash);
    if (!parsed) return true;
    const { logN, r, p } = parsed.parameters;
    return logN !== this.parameters.logN || r !== this.parameters.r || p !== this.parameters.p;
  }

  async verifyDummy(password: string): Promise<void> {
    this.dummyHash ??= this.hash(randomBytes(16).toString('hex'));
    await this.verify(password, await this.dummyHash);
  }

  private derive(
    password: string,
    salt: Buffer,
    { logN, r, p }: ScryptParameters,
    length: number,
  ): Promise<Buffer> {
    const N = 2 ** logN;
    // Node's default maxmem (32 MiB) is below what larger N and r need: allow twice the need.
    return scryptAsync(password, salt, length, { N, r, p, maxmem: 2 * 128 * N * r + 1024 * 1024 });
  }

  private parse(
    storedHash: string,
  ): { parameters: ScryptParameters; salt: Buffer; key: Buffer } | null {
    const match = FORMAT.exec(storedHash);
    if (!match) return null;
    const [, logN, r, p, salt, key] = match;
    const parameters = { logN: Number(logN), r: Number(r), p: Number(p) };
    // Refuse parameters no sane configuration would write (they would only burn CPU and memory).
    if (parameters.logN < 1 || parameters.logN > 22 || parameters.r < 1 || parameters.p < 1)
      return null;
    const keyBytes = Buffer.from(key, 'base64');
    if (keyBytes.length < 16) return null;
    return { parameters, salt: Buffer.from(salt, 'base64'), key: keyBytes };
  }
}
