import { KubernetesApiError } from '../kubernetes-api.error.js';
import type { SecretApi, SecretState } from '../ports/secret.api.js';
import { RecordingFake } from './recording-fake.js';

const id = (namespace: string | undefined, name: string) => `${namespace ?? 'default'}/${name}`;

/** SecretApi of the unit tests: Secrets in memory with resourceVersions, 404 and 409 as a server. */
export class InMemorySecrets extends RecordingFake<keyof SecretApi> implements SecretApi {
  private readonly secrets = new Map<string, SecretState>();
  private revision = 1;

  /** Puts a Secret in place, as if someone had created it (data as text, stored base64). */
  seed(namespace: string, name: string, text: Record<string, string>): SecretState {
    const data = Object.fromEntries(
      Object.entries(text).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
    );
    return this.store({ metadata: { name, namespace }, data });
  }

  /** A stored Secret's data as text, or undefined. */
  text(namespace: string, name: string): Record<string, string> | undefined {
    const secret = this.secrets.get(id(namespace, name));
    return (
      secret &&
      Object.fromEntries(
        Object.entries(secret.data).map(([key, value]) => [
          key,
          Buffer.from(value, 'base64').toString('utf8'),
        ]),
      )
    );
  }

  stored(namespace: string, name: string): SecretState | undefined {
    const secret = this.secrets.get(id(namespace, name));
    return secret && structuredClone(secret);
  }

  async getSecret(namespace: string, name: string): Promise<SecretState | null> {
    this.enter('getSecret', [namespace, name]);
    return this.stored(namespace, name) ?? null;
  }

  async createSecret(secret: SecretState): Promise<SecretState> {
    this.enter('createSecret', [structuredClone(secret)]);
    if (this.secrets.has(id(secret.metadata.namespace, secret.metadata.name))) {
      throw new KubernetesApiError(409, 'secret already exists', 'AlreadyExists');
    }
    return this.store(secret);
  }

  async addSecretData(
    namespace: string,
    name: string,
    data: Record<string, string>,
    resourceVersion: string,
  ): Promise<SecretState> {
    this.enter('addSecretData', [namespace, name, { ...data }, resourceVersion]);
    const existing = this.secrets.get(id(namespace, name));
    if (!existing) throw new KubernetesApiError(404, 'secret not found', 'NotFound');
    if (existing.metadata.resourceVersion !== resourceVersion) {
      throw new KubernetesApiError(409, 'the object has been modified', 'Conflict');
    }
    return this.store({ ...existing, data: { ...existing.data, ...data } });
  }

  private store(secret: SecretState): SecretState {
    const key = id(secret.metadata.namespace, secret.metadata.name);
    this.countWrite(`Secret ${key}`);
    const stored = structuredClone({
      ...secret,
      metadata: { ...secret.metadata, resourceVersion: String(++this.revision) },
    });
    this.secrets.set(key, stored);
    return structuredClone(stored);
  }
}
