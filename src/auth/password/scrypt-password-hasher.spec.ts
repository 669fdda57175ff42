import { jest } from '@jest/globals';
import { ScryptPasswordHasher } from './scrypt-password-hasher.js';

describe('ScryptPasswordHasher', () => {
  // Cheap parameters keep the suite fast; the format and logic are the same.
  const hasher = new ScryptPasswordHasher({ logN: 10, r: 8, p: 1 });

  it('writes the parameters and a per-password random salt into the hash', async () => {
    const first = await hasher.hash('correct-horse');
    const second = await hasher.hash('correct-horse');
    expect(first).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain('correct-horse');
  });

  it('verifies the right password and rejects a wrong one', async () => {
    const stored = await hasher.hash('correct-horse');
    await expect(hasher.verify('correct-horse', stored)).resolves.toBe(true);
    await expect(hasher.verify('correct-horsE', stored)).resolves.toBe(false);
  });

  it('returns false for malformed or absurd stored hashes', async () => {
    await expect(hasher.verify('x', 'plaintext')).resolves.toBe(false);
    await expect(
      hasher.verify('x', '$scrypt$ln=40,r=8,p=1$c2FsdA==$aGFzaGhhc2hoYXNoaGFzaA=='),
    ).resolves.toBe(false);
  });

  it('verifies hashes written with other parameters and asks for a re-hash', async () => {
    const older = new ScryptPasswordHasher({ logN: 9, r: 8, p: 1 });
    const stored = await older.hash('correct-horse');
    await expect(hasher.verify('correct-horse', stored)).resolves.toBe(true);
    expect(hasher.needsRehash(stored)).toBe(true);
    expect(hasher.needsRehash(await hasher.hash('correct-horse'))).toBe(false);
  });

  it('spends a real verification, at the configured cost, on the dummy check', async () => {
    const verify = jest.spyOn(hasher, 'verify');
    await expect(hasher.verifyDummy('anything')).resolves.toBeUndefined();
    expect(verify).toHaveBeenCalledTimes(1);
    const [password, dummyHash] = verify.mock.calls[0];
    expect(password).toBe('anything');
    // A hash of the current parameters, so the work equals a real user's verification.
    expect(dummyHash).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$/);
    expect(hasher.needsRehash(dummyHash)).toBe(false);
    await expect(verify.mock.results[0].value).resolves.toBe(false);
    verify.mockRestore();
  });
});
