import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsIP,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

import { DATABASE_SSL_MODES, type DatabaseSslMode } from './database-tls.js';

const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(normalized)) return true;
  if (['false', '0', 'no', 'off'].includes(normalized)) return false;
  return value;
};

const toInteger = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;

export const APP_ROLES = ['api', 'operator', 'all', 'migrate', 'secrets', 'crds'] as const;
export type AppRole = (typeof APP_ROLES)[number];

/**
 * Every environment variable the application reads, with its rule. Validated once at
 * start-up (see load-config.ts); nothing else in the code base reads process.env.
 */
export class EnvironmentVariables {
  @IsOptional() @IsIn(APP_ROLES) APP_ROLE?: AppRole;
  @IsOptional() @IsIn(['development', 'production', 'test']) NODE_ENV?: string;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(65535) PORT?: number;
  @IsOptional() @IsIP() HOST?: string;
  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;
  @IsOptional() @IsIn(['json', 'pretty']) LOG_FORMAT?: string;

  @IsOptional() @Matches(/^(mysql|mariadb):\/\/[^/]+\/[^/?]+(\?.*)?$/) DATABASE_URL?: string;
  @IsOptional() @IsString() @MinLength(1) DATABASE_SQLITE_PATH?: string;
  @IsOptional() @Transform(toBoolean) @IsBoolean() DATABASE_MIGRATE?: boolean;
  @IsOptional() @IsIn(DATABASE_SSL_MODES) DATABASE_SSL_MODE?: DatabaseSslMode;
  @IsOptional() @IsString() @MinLength(1) DATABASE_SSL_CA?: string;

  @IsOptional() @IsString() @MinLength(32) SESSION_SECRET?: string;
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(60)
  @Max(2_592_000)
  SESSION_TTL_SECONDS?: number;
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(86_400)
  SESSION_TOUCH_AFTER_SECONDS?: number;
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(60)
  @Max(31_536_000)
  SESSION_ABSOLUTE_TTL_SECONDS?: number;

  @IsOptional() @Transform(toInteger) @IsInt() @Min(0) AUTH_THROTTLE_LIMIT?: number;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) AUTH_THROTTLE_TTL_SECONDS?: number;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(0) @Max(1000) AUTH_LOCKOUT_THRESHOLD?: number;
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(86_400)
  AUTH_LOCKOUT_BASE_SECONDS?: number;
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(86_400)
  AUTH_LOCKOUT_MAX_SECONDS?: number;
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1024)
  @Max(4_194_304)
  PASSWORD_ARGON2_MEMORY_KIB?: number;
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(100)
  PASSWORD_ARGON2_ITERATIONS?: number;
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(16)
  PASSWORD_ARGON2_PARALLELISM?: number;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(0) @Max(10) TRUST_PROXY?: number;
  @IsOptional() @IsString() @MaxLength(16) BODY_LIMIT?: string;

  @IsOptional() @Matches(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/) SCALING_NAMESPACE?: string;
  @IsOptional() @Matches(/^[a-z0-9]([-.a-z0-9]{0,251}[a-z0-9])?$/) SCALING_RESOURCE_NAME?: string;
  @IsOptional() @IsString() @MinLength(1) SCALING_RESOURCE_OWNER?: string;
  @IsOptional() @Matches(/^[a-z0-9]([-.a-z0-9]{0,251}[a-z0-9])?$/) SCALING_TARGET_NAME?: string;
  @IsOptional() @Transform(toBoolean) @IsBoolean() SCALING_CREATE_RESOURCE?: boolean;
  @IsOptional() @Transform(toBoolean) @IsBoolean() DASHBOARD_ENABLED?: boolean;
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(86_400)
  SCALING_STABILIZATION_SECONDS?: number;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(0) SCALING_MIN_REPLICAS?: number;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(0) @Max(10_000) SCALING_MAX_REPLICAS?: number;
  @IsOptional() @IsString() SCALING_TIERS?: string;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) SCALING_STEP_USERS?: number;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(3600) SCALING_RESYNC_SECONDS?: number;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(0) @Max(10_000) SCALING_COALESCE_MS?: number;
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(3650)
  SCALING_DECISION_RETENTION_DAYS?: number;

  @IsOptional() @Matches(/^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)?$/) OPERATOR_NAMESPACE?: string;
  @IsOptional() @Transform(toBoolean) @IsBoolean() OPERATOR_LEADER_ELECTION?: boolean;
  @IsOptional() @Matches(/^[a-z0-9]([-.a-z0-9]{0,251}[a-z0-9])?$/) OPERATOR_LEASE_NAME?: string;
  @IsOptional() @Matches(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/) OPERATOR_LEASE_NAMESPACE?: string;
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(2)
  @Max(600)
  OPERATOR_LEASE_DURATION_SECONDS?: number;
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(600)
  OPERATOR_RENEW_DEADLINE_SECONDS?: number;
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(600)
  OPERATOR_RETRY_PERIOD_SECONDS?: number;
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(86_400)
  OPERATOR_RESYNC_SECONDS?: number;
  @IsOptional() @Transform(toInteger) @IsInt() @Min(1) @Max(64) OPERATOR_CONCURRENCY?: number;
  @IsOptional() @IsString() @MinLength(1) POD_NAME?: string;

  @IsOptional()
  @Matches(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/)
  GENERATED_SECRET_NAMESPACE?: string;
  @IsOptional() @Matches(/^[a-z0-9]([-.a-z0-9]{0,251}[a-z0-9])?$/) GENERATED_SECRET_NAME?: string;
  @IsOptional() @IsString() GENERATED_SECRET_KEYS?: string;
  @IsOptional() @IsString() GENERATED_SECRET_ADOPT_FROM?: string;
  @IsOptional() @IsString() CRD_MANIFEST_PATH?: string;

  @IsOptional() @IsString() KUBECONFIG?: string;
}
