import type { ObjectMeta } from '../kiada-service-count.js';

/** A core/v1 Secret with its data as the API server holds it: base64 values. */
export interface SecretState {
  metadata: ObjectMeta;
  data: Record<string, string>;
}

/**
 * core/v1 Secrets, for the `secrets` role that creates the Secrets a chart install needs
 * once. Rejects with KubernetesApiError.
 */
export abstract class SecretApi {
  /** Resolves null on 404. */
  abstract getSecret(namespace: string, name: string): Promise<SecretState | null>;
  /** Rejects with 409 when the Secret exists already. */
  abstract createSecret(secret: SecretState): Promise<SecretState>;
  /**
   * Adds `data`'s keys by JSON merge patch, leaving every other key as it is; rejects with
   * 409 when the Secret is no longer at `resourceVersion`.
   */
  abstract addSecretData(
    namespace: string,
    name: string,
    data: Record<string, string>,
    resourceVersion: string,
  ): Promise<SecretState>;
}
