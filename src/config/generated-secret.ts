import type { GeneratedSecretConfig } from './app-config.js';
import { ConfigError } from './config-error.js';

const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;
const OBJECT_NAME = /^[a-z0-9]([-.a-z0-9]{0,251}[a-z0-9])?$/;

export interface GeneratedSecretVariables {
  GENERATED_SECRET_NAMESPACE?: string;
  GENERATED_SECRET_NAME?: string;
  GENERATED_SECRET_KEYS?: string;
  GENERATED_SECRET_ADOPT_FROM?: string;
}

/**
 * What the `secrets` role creates: the Secret GENERATED_SECRET_NAME in
 * GENERATED_SECRET_NAMESPACE with the keys GENERATED_SECRET_KEYS, a key missing from it
 * taken from the first Secret of GENERATED_SECRET_ADOPT_FROM that has it (what an earlier
 * chart version kept there), else generated. Name, namespace and keys are required for
 * that role.
 */
export function loadGeneratedSecret(vars: GeneratedSecretVariables): GeneratedSecretConfig {
  const required = (variable: keyof GeneratedSecretVariables, meaning: string): string => {
    const value = vars[variable];
    if (!value) throw new ConfigError(variable, `is required with APP_ROLE=secrets: ${meaning}`);
    return value;
  };
  const namespace = required('GENERATED_SECRET_NAMESPACE', 'the namespace of the Secret');
  const name = required('GENERATED_SECRET_NAME', 'the name of the Secret to create');
  const keys = list(required('GENERATED_SECRET_KEYS', 'its keys, comma-separated'));
  const adoptFrom = list(vars.GENERATED_SECRET_ADOPT_FROM ?? '');
  if (keys.length === 0) {
    throw new ConfigError(
      'GENERATED_SECRET_KEYS',
      'must name at least one key',
      vars.GENERATED_SECRET_KEYS,
    );
  }
  const badKey = keys.find((key) => !SECRET_KEY.test(key));
  if (badKey !== undefined) {
    throw new ConfigError(
      'GENERATED_SECRET_KEYS',
      `has "${badKey}": a Secret key is made of letters, digits, "-", "_" and "."`,
      vars.GENERATED_SECRET_KEYS,
    );
  }
  const badName = adoptFrom.find((source) => !OBJECT_NAME.test(source));
  if (badName !== undefined) {
    throw new ConfigError(
      'GENERATED_SECRET_ADOPT_FROM',
      `has "${badName}", which is not a Secret name (lower-case letters, digits, "-" and ".")`,
      vars.GENERATED_SECRET_ADOPT_FROM,
    );
  }
  return { namespace, name, keys: [...new Set(keys)], adoptFrom };
}

function list(raw: string): string[] {
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
