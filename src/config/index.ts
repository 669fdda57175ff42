export type { AppConfig, DatabaseConfig, ScalingPolicyConfig, ScalingTier } from './app-config.js';
export { ConfigError } from './config-error.js';
export { AppConfigModule } from './config.module.js';
export {
  DEFAULT_OPERATOR_CONCURRENCY,
  loadConfig,
  loadConfigFromEnvironment,
} from './load-config.js';
