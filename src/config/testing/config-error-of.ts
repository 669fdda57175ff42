import { ConfigError } from '../config-error.js';

/** The ConfigError `load` throws; fails the test when it throws none (or something else). */
export function configErrorOf(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, and the configuration loaded');
}
