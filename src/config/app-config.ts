import type { DatabaseSslMode } from './database-tls.js';
import type { AppRole } from './environment-variables.js';

/** One tier of the policy: fewer than `belowUsers` active users -> `replicas`. */
export interface ScalingTier {
  belowUsers: number;
  replicas: number;
}

export interface ScalingPolicyConfig {
  tiers: ScalingTier[];
  /** Past the last tier, one more replica for every `stepUsers` further users. */
  stepUsers: number;
  minReplicas: number;
  maxReplicas: number;
}

/** TLS to the MySQL server (DATABASE_SSL_MODE, DATABASE_SSL_CA). */
export interface DatabaseTlsConfig {
  mode: DatabaseSslMode;
  /** Where the CA came from, for messages. Unset: Node.js's own trusted CAs. */
  caPath?: string;
  /** The CA certificate(s), PEM, read at start-up. */
  ca?: string;
}

export interface DatabaseConfig {
  /** `mysql` when DATABASE_URL is set, else the embedded SQLite file. */
  type: 'mysql' | 'better-sqlite3';
  url?: string;
  sqlitePath: string;
  migrate: boolean;
  tls: DatabaseTlsConfig;
}

/** The Secret the `secrets` role creates once (GENERATED_SECRET_*). */
export interface GeneratedSecretConfig {
  namespace: string;
  name: string;
  keys: string[];
  /** Secrets whose same-named keys seed a key that is missing (what was kept before). */
  adoptFrom: string[];
}

export interface AppConfig {
  role: AppRole;
  production: boolean;
  http: {
    port: number;
    /** Address to listen on: loopback by default, 0.0.0.0 in a container. */
    host: string;
    trustProxy?: number;
    bodyLimit: string;
  };
  /** The read-only dashboard at /dashboard (api and all roles). */
  dashboard: { enabled: boolean };
  log: { level: string; format: 'json' | 'pretty' };
  database: DatabaseConfig;
  session: {
    secret: string;
    /** True when SESSION_SECRET was not given and a random one was made. */
    secretGenerated: boolean;
    ttlSeconds: number;
    /**
     * A touch writes the new expiry only when it is at least this much later than the
     * stored one (0: every touch writes). The store caps it at half the TTL.
     */
    touchAfterSeconds: number;
    /** Absolute lifetime: a session ends this long after its log-in, however active. */
    absoluteTtlSeconds: number;
  };
  auth: {
    throttleLimit: number;
    throttleTtlSeconds: number;
    /**
     * Lock-out of one (username, client address) after repeated failed logins: from the
     * `threshold`-th consecutive failure on, each failure locks for
     * min(baseSeconds * 2^(failures - threshold), maxSeconds). threshold 0: off.
     */
    lockout: { threshold: number; baseSeconds: number; maxSeconds: number };
    /** argon2id cost of new password hashes. */
    argon2: { memoryKib: number; iterations: number; parallelism: number };
  };
  scaling: {
    namespace: string;
    resourceName: string;
    resourceOwner: string;
    targetName: string;
    createResource: boolean;
    stabilizationSeconds: number;
    resyncSeconds: number;
    coalesceMs: number;
    /** Decisions older than this are deleted. */
    decisionRetentionDays: number;
    policy: ScalingPolicyConfig;
  };
  operator: {
    /** Empty: every namespace (needs a ClusterRole). */
    namespace: string;
    leaderElection: boolean;
    leaseName: string;
    leaseNamespace: string;
    leaseDurationSeconds: number;
    renewDeadlineSeconds: number;
    retryPeriodSeconds: number;
    resyncSeconds: number;
    /** Reconciles running at once (different resources; one per resource at a time). */
    concurrency: number;
    identity: string;
  };
  /** Set for APP_ROLE=secrets only. */
  generatedSecret?: GeneratedSecretConfig;
  /** Set for APP_ROLE=crds only (CRD_MANIFEST_PATH): the CustomResourceDefinition to apply. */
  crdManifestPath?: string;
  kubernetes: {
    kubeconfigPath?: string;
    /** Who this process is in the Events it records: component by role, instance = the pod. */
    eventSource: { component: string; instance: string };
  };
}
