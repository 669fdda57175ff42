import { loadConfig } from './load-config.js';
import { configErrorOf } from './testing/config-error-of.js';

const ROLE = {
  APP_ROLE: 'secrets',
  GENERATED_SECRET_NAMESPACE: 'kiada',
  GENERATED_SECRET_NAME: 'kiada-autoscaler-generated',
  GENERATED_SECRET_KEYS: 'session-secret, mysql-password,mysql-password',
};

const failure = (env: Record<string, string>) => configErrorOf(() => loadConfig(env));

describe('the secrets role configuration (GENERATED_SECRET_*)', () => {
  it('reads the Secret, its keys (once each) and the Secrets to adopt values from', () => {
    expect(
      loadConfig({
        ...ROLE,
        GENERATED_SECRET_ADOPT_FROM: 'kiada-autoscaler,kiada-autoscaler-mysql',
      }).generatedSecret,
    ).toEqual({
      namespace: 'kiada',
      name: 'kiada-autoscaler-generated',
      keys: ['session-secret', 'mysql-password'],
      adoptFrom: ['kiada-autoscaler', 'kiada-autoscaler-mysql'],
    });
  });

  it('is not read by the other roles', () => {
    expect(loadConfig({ APP_ROLE: 'api' }).generatedSecret).toBeUndefined();
  });

  it.each([
    ['no namespace', { GENERATED_SECRET_NAMESPACE: '' }, 'GENERATED_SECRET_NAMESPACE'],
    ['no name', { GENERATED_SECRET_NAME: '' }, 'GENERATED_SECRET_NAME'],
    ['no keys', { GENERATED_SECRET_KEYS: '' }, 'GENERATED_SECRET_KEYS'],
    ['only commas for keys', { GENERATED_SECRET_KEYS: ' , ' }, 'GENERATED_SECRET_KEYS'],
    ['a key with a slash', { GENERATED_SECRET_KEYS: 'a/b' }, 'GENERATED_SECRET_KEYS'],
    ['an upper-case Secret name', { GENERATED_SECRET_NAME: 'Kiada' }, 'GENERATED_SECRET_NAME'],
    [
      'a bad Secret to adopt from',
      { GENERATED_SECRET_ADOPT_FROM: 'ok,Not_OK' },
      'GENERATED_SECRET_ADOPT_FROM',
    ],
  ])('rejects %s with one line naming the variable', (_case, env, variable) => {
    const error = failure({ ...ROLE, ...env });
    expect(error.variable).toBe(variable);
    expect(error.message).not.toContain('\n');
  });
});
