import type { SecretState } from '../kubernetes/ports/secret.api.js';
import { planGeneratedSecret, randomSecretValue } from './secret-plan.js';

const base64 = (text: string) => Buffer.from(text).toString('base64');
const secret = (name: string, text: Record<string, string>): SecretState => ({
  metadata: { name, namespace: 'kiada', resourceVersion: '7' },
  data: Object.fromEntries(Object.entries(text).map(([key, value]) => [key, base64(value)])),
});
const generated = () => 'generated-value';

describe('planGeneratedSecret', () => {
  it('creates a missing Secret with a new value for every key', () => {
    expect(planGeneratedSecret(['session-secret', 'mysql-password'], null, [], generated)).toEqual({
      action: 'create',
      data: {
        'session-secret': base64('generated-value'),
        'mysql-password': base64('generated-value'),
      },
      generated: ['session-secret', 'mysql-password'],
      adopted: [],
    });
  });

  it('does nothing when every key is there, whatever the values', () => {
    const current = secret('kiada-generated', { 'session-secret': 'kept', 'mysql-password': '' });
    expect(
      planGeneratedSecret(['session-secret', 'mysql-password'], current, [], generated),
    ).toEqual({ action: 'none' });
  });

  it('adds only the missing keys, leaving the others as they are', () => {
    const current = secret('kiada-generated', { 'session-secret': 'kept' });
    expect(
      planGeneratedSecret(['session-secret', 'mysql-password'], current, [], generated),
    ).toEqual({
      action: 'add',
      data: { 'mysql-password': base64('generated-value') },
      generated: ['mysql-password'],
      adopted: [],
    });
  });

  it('takes a missing key from the first source that has it, byte for byte', () => {
    const earlier = secret('kiada', { 'session-secret': 'from-the-old-chart' });
    const mysql = secret('kiada-mysql', {
      'mysql-password': 'old-password',
      'session-secret': 'x',
    });
    const plan = planGeneratedSecret(
      ['session-secret', 'mysql-password', 'mysql-root-password'],
      null,
      [earlier, mysql],
      generated,
    );
    expect(plan).toEqual({
      action: 'create',
      data: {
        'session-secret': base64('from-the-old-chart'),
        'mysql-password': base64('old-password'),
        'mysql-root-password': base64('generated-value'),
      },
      generated: ['mysql-root-password'],
      adopted: [
        { key: 'session-secret', from: 'kiada' },
        { key: 'mysql-password', from: 'kiada-mysql' },
      ],
    });
  });

  it('never lets a source override a key the Secret holds', () => {
    const current = secret('kiada-generated', { 'session-secret': 'kept' });
    const earlier = secret('kiada', { 'session-secret': 'other' });
    expect(planGeneratedSecret(['session-secret'], current, [earlier], generated)).toEqual({
      action: 'none',
    });
  });
});

describe('randomSecretValue', () => {
  it('gives 48 characters of [A-Za-z0-9], different each time', () => {
    const values = Array.from({ length: 20 }, () => randomSecretValue());
    for (const value of values) expect(value).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(new Set(values).size).toBe(20);
  });
});
