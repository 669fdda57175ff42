import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { AppConfig } from './app-config.js';
import { ConfigError } from './config-error.js';
import { loadDatabaseTls } from './database-tls.js';
import { EnvironmentVariables } from './environment-variables.js';
import { loadGeneratedSecret } from './generated-secret.js';
import { DEFAULT_STEP_USERS, DEFAULT_TIERS, parseTiers, validatePolicy } from './scaling-tiers.js';

const HINTS: Record<string, string> = {
  APP_ROLE: 'must be one of api, operator, all, migrate, secrets, crds',
  NODE_ENV: 'must be one of development, production, test',
  PORT: 'must be an integer port from 1 to 65535',
  HOST: 'must be an IP address to listen on, e.g. 127.0.0.1 or 0.0.0.0',
  DATABASE_URL: 'must look like mysql://user:password@host:3306/database',
  DATABASE_SSL_MODE: 'must be one of disable, require, verify-ca, verify-full',
  GENERATED_SECRET_NAMESPACE: 'must be a namespace name (lower-case letters, digits and "-")',
  GENERATED_SECRET_NAME: 'must be a Secret name (lower-case letters, digits, "-" and ".")',
  SESSION_SECRET: 'must be at least 32 characters',
  SESSION_TTL_SECONDS: 'must be an integer from 60 to 2592000 (30 days)',
  SESSION_TOUCH_AFTER_SECONDS: 'must be an integer from 0 to 86400 (0: every request writes)',
  SESSION_ABSOLUTE_TTL_SECONDS: 'must be an integer from 60 to 31536000 (365 days)',
  AUTH_LOCKOUT_THRESHOLD: 'must be an integer from 0 to 1000 (0: no lock-out)',
  AUTH_LOCKOUT_BASE_SECONDS: 'must be an integer from 1 to 86400',
  AUTH_LOCKOUT_MAX_SECONDS: 'must be an integer from 1 to 86400',
};

/** OWASP's argon2id minimum (m = 19 MiB, t = 2, p = 1): the default, and the floor in production. */
const ARGON2_FLOOR = { memoryKib: 19_456, iterations: 2, parallelism: 1 };

/** Reconciles the operator runs at once unless OPERATOR_CONCURRENCY says otherwise. */
export const DEFAULT_OPERATOR_CONCURRENCY = 8;

/** The `source.component` of the Events each role records. */
const EVENT_COMPONENTS: Record<AppConfig['role'], string> = {
  api: 'kiada-autoscaler-api',
  operator: 'kiada-autoscaler-operator',
  all: 'kiada-autoscaler',
  migrate: 'kiada-autoscaler',
  secrets: 'kiada-autoscaler',
  crds: 'kiada-autoscaler',
};

/**
 * Validates the environment once and turns it into the typed AppConfig every module
 * reads. Throws ConfigError whose message is one line naming the first bad variable.
 */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const raw = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const vars = plainToInstance(EnvironmentVariables, raw);
  const [error] = validateSync(vars, { stopAtFirstError: true });
  if (error) {
    const detail = Object.values(error.constraints ?? {})[0] ?? 'is invalid';
    const hint = HINTS[error.property] ?? detail.replace(`${error.property} `, '');
    throw new ConfigError(error.property, hint, raw[error.property]);
  }

  const production = vars.NODE_ENV === 'production';
  const role = vars.APP_ROLE ?? 'all';
  // Only roles that serve sessions need the secret (not the operator, not migrations).
  if (production && !vars.SESSION_SECRET && (role === 'api' || role === 'all')) {
    throw new ConfigError(
      'SESSION_SECRET',
      'is required when NODE_ENV=production (32+ characters)',
    );
  }

  const policy = validatePolicy({
    tiers: parseTiers(vars.SCALING_TIERS ?? DEFAULT_TIERS),
    stepUsers: vars.SCALING_STEP_USERS ?? DEFAULT_STEP_USERS,
    minReplicas: vars.SCALING_MIN_REPLICAS ?? 2,
    maxReplicas: vars.SCALING_MAX_REPLICAS ?? 100,
  });

  const argon2 = {
    memoryKib: vars.PASSWORD_ARGON2_MEMORY_KIB ?? ARGON2_FLOOR.memoryKib,
    iterations: vars.PASSWORD_ARGON2_ITERATIONS ?? ARGON2_FLOOR.iterations,
    parallelism: vars.PASSWORD_ARGON2_PARALLELISM ?? ARGON2_FLOOR.parallelism,
  };
  // Production never hashes below OWASP's minimum; tests and laptops may (fast suites).
  if (production && argon2.memoryKib < ARGON2_FLOOR.memoryKib) {
    throw new ConfigError(
      'PASSWORD_ARGON2_MEMORY_KIB',
      `must be at least ${ARGON2_FLOOR.memoryKib} (OWASP's minimum) when NODE_ENV=production`,
      argon2.memoryKib,
    );
  }
  if (production && argon2.iterations < ARGON2_FLOOR.iterations) {
    throw new ConfigError(
      'PASSWORD_ARGON2_ITERATIONS',
      `must be at least ${ARGON2_FLOOR.iterations} (OWASP's minimum) when NODE_ENV=production`,
      argon2.iterations,
    );
  }
  const lockout = {
    threshold: vars.AUTH_LOCKOUT_THRESHOLD ?? 5,
    baseSeconds: vars.AUTH_LOCKOUT_BASE_SECONDS ?? 1,
    maxSeconds: vars.AUTH_LOCKOUT_MAX_SECONDS ?? 900,
  };
  if (lockout.maxSeconds < lockout.baseSeconds) {
    throw new ConfigError(
      'AUTH_LOCKOUT_MAX_SECONDS',
      `must be at least AUTH_LOCKOUT_BASE_SECONDS (${lockout.baseSeconds})`,
      lockout.maxSeconds,
    );
  }
  const operatorNamespace = vars.OPERATOR_NAMESPACE ?? '';
  const instance = vars.POD_NAME ?? `${hostname()}-${process.pid}`;
  const leaseDurationSeconds = vars.OPERATOR_LEASE_DURATION_SECONDS ?? 15;
  const renewDeadlineSeconds = vars.OPERATOR_RENEW_DEADLINE_SECONDS ?? 10;
  const retryPeriodSeconds = vars.OPERATOR_RETRY_PERIOD_SECONDS ?? 2;
  if (renewDeadlineSeconds >= leaseDurationSeconds) {
    throw new ConfigError(
      'OPERATOR_RENEW_DEADLINE_SECONDS',
      `must be less than OPERATOR_LEASE_DURATION_SECONDS (${leaseDurationSeconds})`,
      renewDeadlineSeconds,
    );
  }
  if (retryPeriodSeconds >= renewDeadlineSeconds) {
    throw new ConfigError(
      'OPERATOR_RETRY_PERIOD_SECONDS',
      `must be less than OPERATOR_RENEW_DEADLINE_SECONDS (${renewDeadlineSeconds})`,
      retryPeriodSeconds,
    );
  }

  return {
    role,
    production,
    http: {
      port: vars.PORT ?? 3000,
      host: vars.HOST ?? '127.0.0.1',
      trustProxy: vars.TRUST_PROXY,
      bodyLimit: vars.BODY_LIMIT ?? '10kb',
    },
    dashboard: { enabled: vars.DASHBOARD_ENABLED ?? true },
    log: {
      level: vars.LOG_LEVEL ?? 'info',
      format:
        (vars.LOG_FORMAT as 'json' | 'pretty' | undefined) ?? (production ? 'json' : 'pretty'),
    },
    database: {
      type: vars.DATABASE_URL ? 'mysql' : 'better-sqlite3',
      url: vars.DATABASE_URL,
      sqlitePath: vars.DATABASE_SQLITE_PATH ?? 'data/kiada-autoscaler.sqlite',
      migrate: vars.DATABASE_MIGRATE ?? true,
      tls: loadDatabaseTls(vars.DATABASE_SSL_MODE, vars.DATABASE_SSL_CA, vars.DATABASE_URL),
    },
    session: {
      secret: vars.SESSION_SECRET ?? randomBytes(32).toString('hex'),
      secretGenerated: !vars.SESSION_SECRET,
      ttlSeconds: vars.SESSION_TTL_SECONDS ?? 1800,
      touchAfterSeconds: vars.SESSION_TOUCH_AFTER_SECONDS ?? 60,
      absoluteTtlSeconds: vars.SESSION_ABSOLUTE_TTL_SECONDS ?? 43_200,
    },
    auth: {
      throttleLimit: vars.AUTH_THROTTLE_LIMIT ?? 20,
      throttleTtlSeconds: vars.AUTH_THROTTLE_TTL_SECONDS ?? 60,
      lockout,
      argon2,
    },
    scaling: {
      namespace: vars.SCALING_NAMESPACE ?? 'default',
      resourceName: vars.SCALING_RESOURCE_NAME ?? 'hanyang-kiada-autoscaler',
      resourceOwner: vars.SCALING_RESOURCE_OWNER ?? 'kiada-autoscaler',
      targetName: vars.SCALING_TARGET_NAME ?? 'kiada',
      createResource: vars.SCALING_CREATE_RESOURCE ?? true,
      stabilizationSeconds: vars.SCALING_STABILIZATION_SECONDS ?? 300,
      resyncSeconds: vars.SCALING_RESYNC_SECONDS ?? 30,
      coalesceMs: vars.SCALING_COALESCE_MS ?? 50,
      decisionRetentionDays: vars.SCALING_DECISION_RETENTION_DAYS ?? 30,
      policy,
    },
    operator: {
      namespace: operatorNamespace,
      leaderElection: vars.OPERATOR_LEADER_ELECTION ?? true,
      leaseName: vars.OPERATOR_LEASE_NAME ?? 'kiada-autoscaler-operator',
      leaseNamespace: vars.OPERATOR_LEASE_NAMESPACE ?? (operatorNamespace || 'default'),
      leaseDurationSeconds,
      renewDeadlineSeconds,
      retryPeriodSeconds,
      resyncSeconds: vars.OPERATOR_RESYNC_SECONDS ?? 300,
      concurrency: vars.OPERATOR_CONCURRENCY ?? DEFAULT_OPERATOR_CONCURRENCY,
      identity: instance,
    },
    ...(role === 'secrets' ? { generatedSecret: loadGeneratedSecret(vars) } : {}),
    ...(role === 'crds' ? { crdManifestPath: requireCrdManifestPath(vars.CRD_MANIFEST_PATH) } : {}),
    kubernetes: {
      kubeconfigPath: vars.KUBECONFIG,
      eventSource: { component: EVENT_COMPONENTS[role], instance },
    },
  };
}

/** CRD_MANIFEST_PATH: what the `crds` role applies; required for that role. */
function requireCrdManifestPath(path: string | undefined): string {
  if (!path) {
    throw new ConfigError(
      'CRD_MANIFEST_PATH',
      'is required with APP_ROLE=crds: the path of the CustomResourceDefinition manifest to apply (the chart mounts it)',
    );
  }
  return path;
}

/** The process environment, read here and nowhere else. */
export function loadConfigFromEnvironment(): AppConfig {
  return loadConfig(process.env);
}
