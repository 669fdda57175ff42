export type {
  AppConfig,
  DatabaseConfig,
  DatabaseTlsConfig,
  GeneratedSecretConfig,
  ScalingPolicyConfig,
  ScalingTier,
} from './app-config.js';
export { DATABASE_SSL_MODES, type DatabaseSslMode } from './database-tls.js';
export { ConfigError } from './config-error.js';
export { AppConfigModule } from './config.module.js';
export {
  DEFAULT_OPERATOR_CONCURRENCY,
  loadConfig,
  loadConfigFromEnvironment,
} from './load-config.js';
