import { loadConfig } from './load-config.js';
import { configErrorOf } from './testing/config-error-of.js';

/** The one-line message loadConfig throws for `env`. */
const failure = (env: Record<string, string>) => configErrorOf(() => loadConfig(env));

describe('loadConfig', () => {
  describe('defaults', () => {
    const config = loadConfig({});

    it('runs every role on port 3000 with the embedded database', () => {
      expect(config.role).toBe('all');
      expect(config.production).toBe(false);
      expect(config.http).toMatchObject({ port: 3000, host: '127.0.0.1' });
      expect(config.database.type).toBe('better-sqlite3');
      expect(config.dashboard).toEqual({ enabled: true });
      expect(config.session).toMatchObject({
        ttlSeconds: 1800,
        absoluteTtlSeconds: 43_200,
        secretGenerated: true,
      });
      expect(config.session.secret).toHaveLength(64);
      expect(config.auth).toEqual({
        throttleLimit: 20,
        throttleTtlSeconds: 60,
        lockout: { threshold: 5, baseSeconds: 1, maxSeconds: 900 },
        argon2: { memoryKib: 19_456, iterations: 2, parallelism: 1 },
      });
    });

    it("uses the seed's scaling policy and resource", () => {
      expect(config.scaling).toEqual({
        namespace: 'default',
        resourceName: 'hanyang-kiada-autoscaler',
        resourceOwner: 'kiada-autoscaler',
        targetName: 'kiada',
        createResource: true,
        stabilizationSeconds: 300,
        resyncSeconds: 30,
        coalesceMs: 50,
        decisionRetentionDays: 30,
        policy: {
          tiers: [
            { belowUsers: 1000, replicas: 2 },
            { belowUsers: 10000, replicas: 3 },
          ],
          stepUsers: 20000,
          minReplicas: 2,
          maxReplicas: 100,
        },
      });
    });

    it('treats empty variables as unset', () => {
      expect(loadConfig({ PORT: '', SCALING_TIERS: '' }).http.port).toBe(3000);
    });
  });

  it('reads the scaling variables', () => {
    const { scaling } = loadConfig({
      SCALING_NAMESPACE: 'apps',
      SCALING_RESOURCE_NAME: 'web-count',
      SCALING_CREATE_RESOURCE: 'false',
      SCALING_STABILIZATION_SECONDS: '2',
      SCALING_TIERS: '10:1, 100:2,1000:5',
      SCALING_STEP_USERS: '500',
      SCALING_MIN_REPLICAS: '1',
      SCALING_MAX_REPLICAS: '20',
      SCALING_RESYNC_SECONDS: '5',
      SCALING_COALESCE_MS: '0',
    });
    expect(scaling).toMatchObject({
      namespace: 'apps',
      resourceName: 'web-count',
      createResource: false,
      stabilizationSeconds: 2,
      resyncSeconds: 5,
      coalesceMs: 0,
      policy: {
        tiers: [
          { belowUsers: 10, replicas: 1 },
          { belowUsers: 100, replicas: 2 },
          { belowUsers: 1000, replicas: 5 },
        ],
        stepUsers: 500,
        minReplicas: 1,
        maxReplicas: 20,
      },
    });
  });

  describe('rejects, with one line naming the variable,', () => {
    it.each([
      ['a port that is not a number', { PORT: 'http' }, 'PORT'],
      ['port 0', { PORT: '0' }, 'PORT'],
      ['a port above 65535', { PORT: '70000' }, 'PORT'],
      ['an unknown role', { APP_ROLE: 'worker' }, 'APP_ROLE'],
      ['a database URL that is not MySQL', { DATABASE_URL: 'postgres://u:p@h/db' }, 'DATABASE_URL'],
      ['unsorted tiers', { SCALING_TIERS: '10000:3,1000:2' }, 'SCALING_TIERS'],
      ['repeated tier bounds', { SCALING_TIERS: '1000:2,1000:3' }, 'SCALING_TIERS'],
      [
        'tiers giving fewer replicas to more users',
        { SCALING_TIERS: '1000:3,10000:2' },
        'SCALING_TIERS',
      ],
      ['a negative tier bound', { SCALING_TIERS: '-5:2' }, 'SCALING_TIERS'],
      ['a negative tier replica count', { SCALING_TIERS: '1000:-2' }, 'SCALING_TIERS'],
      ['a malformed tier', { SCALING_TIERS: '1000=2' }, 'SCALING_TIERS'],
      ['no tiers at all', { SCALING_TIERS: ' , ' }, 'SCALING_TIERS'],
      ['a negative minimum', { SCALING_MIN_REPLICAS: '-1' }, 'SCALING_MIN_REPLICAS'],
      ['a negative maximum', { SCALING_MAX_REPLICAS: '-1' }, 'SCALING_MAX_REPLICAS'],
      ['a zero step', { SCALING_STEP_USERS: '0' }, 'SCALING_STEP_USERS'],
      [
        'a negative stabilization window',
        { SCALING_STABILIZATION_SECONDS: '-300' },
        'SCALING_STABILIZATION_SECONDS',
      ],
      [
        'min above max',
        { SCALING_MIN_REPLICAS: '5', SCALING_MAX_REPLICAS: '3' },
        'SCALING_MIN_REPLICAS',
      ],
      ['min above the default max', { SCALING_MIN_REPLICAS: '101' }, 'SCALING_MIN_REPLICAS'],
      ['production without SESSION_SECRET', { NODE_ENV: 'production' }, 'SESSION_SECRET'],
      ['a short SESSION_SECRET', { SESSION_SECRET: 'short' }, 'SESSION_SECRET'],
      [
        'a dashboard switch that is not a boolean',
        { DASHBOARD_ENABLED: 'maybe' },
        'DASHBOARD_ENABLED',
      ],
      [
        'an absolute session lifetime under a minute',
        { SESSION_ABSOLUTE_TTL_SECONDS: '59' },
        'SESSION_ABSOLUTE_TTL_SECONDS',
      ],
      [
        'an absolute session lifetime that is not a number',
        { SESSION_ABSOLUTE_TTL_SECONDS: '12h' },
        'SESSION_ABSOLUTE_TTL_SECONDS',
      ],
      ['a negative lock-out threshold', { AUTH_LOCKOUT_THRESHOLD: '-1' }, 'AUTH_LOCKOUT_THRESHOLD'],
      [
        'a zero lock-out base delay',
        { AUTH_LOCKOUT_BASE_SECONDS: '0' },
        'AUTH_LOCKOUT_BASE_SECONDS',
      ],
      [
        'a lock-out cap below the base delay',
        { AUTH_LOCKOUT_BASE_SECONDS: '60', AUTH_LOCKOUT_MAX_SECONDS: '30' },
        'AUTH_LOCKOUT_MAX_SECONDS',
      ],
    ])('%s', (_case, env, variable) => {
      const error = failure(env as Record<string, string>);
      expect(error.variable).toBe(variable);
      expect(error.message).toContain(variable);
      expect(error.message).not.toContain('\n');
    });
  });

  it('accepts production with a SESSION_SECRET and switches to JSON logs', () => {
    const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) });
    expect(config.production).toBe(true);
    expect(config.session).toMatchObject({ secret: 'x'.repeat(32), secretGenerated: false });
    expect(config.log.format).toBe('json');
  });

  it('accepts min equal to max', () => {
    expect(
      loadConfig({ SCALING_MIN_REPLICAS: '4', SCALING_MAX_REPLICAS: '4' }).scaling.policy,
    ).toMatchObject({
      minReplicas: 4,
      maxReplicas: 4,
    });
  });

  describe('password hashing cost', () => {
    it("refuses argon2id below OWASP's minimum in production, and allows it elsewhere", () => {
      const production = { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) };
      expect(() => loadConfig({ ...production, PASSWORD_ARGON2_MEMORY_KIB: '4096' })).toThrow(
        "Invalid configuration: PASSWORD_ARGON2_MEMORY_KIB must be at least 19456 (OWASP's minimum) when NODE_ENV=production",
      );
      expect(() => loadConfig({ ...production, PASSWORD_ARGON2_ITERATIONS: '1' })).toThrow(
        'PASSWORD_ARGON2_ITERATIONS must be at least 2',
      );
      expect(loadConfig({ PASSWORD_ARGON2_MEMORY_KIB: '4096' }).auth.argon2.memoryKib).toBe(4096);
    });
  });

  describe('the crds role', () => {
    it('needs CRD_MANIFEST_PATH, and the other roles never read it', () => {
      expect(failure({ APP_ROLE: 'crds' }).message).toBe(
        'Invalid configuration: CRD_MANIFEST_PATH is required with APP_ROLE=crds: the path of the CustomResourceDefinition manifest to apply (the chart mounts it)',
      );
      expect(
        loadConfig({ APP_ROLE: 'crds', CRD_MANIFEST_PATH: '/crd/crd.json' }).crdManifestPath,
      ).toBe('/crd/crd.json');
      expect(
        loadConfig({ APP_ROLE: 'api', CRD_MANIFEST_PATH: '/crd/crd.json' }).crdManifestPath,
      ).toBeUndefined();
    });
  });
});
