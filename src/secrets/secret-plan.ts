import { randomInt } from 'node:crypto';
import type { SecretState } from '../kubernetes/ports/secret.api.js';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * 48 characters of [A-Za-z0-9] (285 bits) from the CSPRNG: safe in a database URL
 * unescaped, and long enough for SESSION_SECRET (32 or more).
 */
export function randomSecretValue(length = 48): string {
  return Array.from({ length }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('');
}

export type SecretPlan =
  | { action: 'none' }
  | {
      action: 'create' | 'add';
      /** The keys to write, base64 as a Secret's data holds them. */
      data: Record<string, string>;
      generated: string[];
      adopted: Array<{ key: string; from: string }>;
    };

/**
 * What to write so that the Secret holds every `wanted` key, never changing a key it
 * holds: nothing when all are there; else each missing key from the first of `sources`
 * (earlier homes of the same value, in order) that has it, or a new random value; a new
 * Secret when there is none. Pure, but for `generate`.
 */
export function planGeneratedSecret(
  wanted: string[],
  current: SecretState | null,
  sources: SecretState[],
  generate: () => string = randomSecretValue,
): SecretPlan {
  const missing = wanted.filter((key) => !(current && key in current.data));
  if (missing.length === 0) return { action: 'none' };
  const data: Record<string, string> = {};
  const generated: string[] = [];
  const adopted: Array<{ key: string; from: string }> = [];
  for (const key of missing) {
    const source = sources.find((secret) => key in secret.data);
    if (source) {
      data[key] = source.data[key];
      adopted.push({ key, from: source.metadata.name });
    } else {
      data[key] = Buffer.from(generate(), 'utf8').toString('base64');
      generated.push(key);
    }
  }
  return { action: current ? 'add' : 'create', data, generated, adopted };
}
