import { jest } from '@jest/globals';
import { Argon2PasswordHasher } from './argon2-password-hasher.js';
import { ScryptPasswordHasher } from './scrypt-password-hasher.js';

describe('Argon2PasswordHasher', () => {
  // Cheap parameters keep the suite fast; the format and logic are the same.
  const hasher = new Argon2PasswordHasher({ memoryKib: 1024, iterations: 1, parallelism: 1 });

  it('writes a PHC string with its parameters and a random salt', async () => {
    const first = await hasher.hash('correct-horse');
    expect(first).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    expect(first).not.toBe(await hasher.hash('correct-horse'));
    expect(first).not.toContain('correct-horse');
  });

  it('verifies the right password and rejects a wrong one or a malformed hash', async () => {
    const stored = await hasher.hash('correct-horse');
    await expect(hasher.verify('correct-horse', stored)).resolves.toBe(true);
    await expect(hasher.verify('correct-horsE', stored)).resolves.toBe(false);
    await expect(hasher.verify('x', 'plaintext')).resolves.toBe(false);
    await expect(hasher.verify('x', '$argon2id$v=19$m=1024,t=1,p=1$broken')).resolves.toBe(false);
  });

  it('still verifies scrypt hashes of the earlier hasher, and asks to re-hash them', async () => {
    const scrypt = await new ScryptPasswordHasher({ logN: 10, r: 8, p: 1 }).hash('correct-horse');
    await expect(hasher.verify('correct-horse', scrypt)).resolves.toBe(true);
    await expect(hasher.verify('wrong-horse', scrypt)).resolves.toBe(false);
    expect(hasher.needsRehash(scrypt)).toBe(true);
    expect(hasher.needsRehash(await hasher.hash('correct-horse'))).toBe(false);
    const stronger = new Argon2PasswordHasher({ memoryKib: 2048, iterations: 1, parallelism: 1 });
    expect(stronger.needsRehash(await hasher.hash('correct-horse'))).toBe(true);
  });

  it('spends a real verification, at the configured cost, on the dummy check', async () => {
    const verify = jest.spyOn(hasher, 'verify');
    await expect(hasher.verifyDummy('anything')).resolves.toBeUndefined();
    expect(verify).toHaveBeenCalledTimes(1);
    const [password, dummyHash] = verify.mock.calls[0];
    expect(password).toBe('anything');
    expect(hasher.needsRehash(dummyHash)).toBe(false);
    await expect(verify.mock.results[0].value).resolves.toBe(false);
    verify.mockRestore();
  });
});
