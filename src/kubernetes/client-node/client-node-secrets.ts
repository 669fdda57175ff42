import {
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  V1Secret,
} from '#kubernetes-client';
import { KubernetesApiError } from '../kubernetes-api.error.js';
import type { SecretApi, SecretState } from '../ports/secret.api.js';
import { nullOn404, toKubernetesApiError } from './client-node-errors.js';

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/**
 * SecretApi on @kubernetes/client-node's CoreV1Api. Its own small adapter (not a part of
 * ClientNodeKubernetes): only the `secrets` role uses it.
 */
export class ClientNodeSecrets implements SecretApi {
  private readonly core?: CoreV1Api;

  constructor(
    kubeConfig: KubeConfig,
    /** Why there is no cluster to call, when the kubeconfig names none. */
    private readonly noClusterMessage: string,
  ) {
    try {
      this.core = kubeConfig.makeApiClient(CoreV1Api);
    } catch {
      // No current cluster: every call fails with status 0 and the message.
    }
  }

  getSecret(namespace: string, name: string): Promise<SecretState | null> {
    return this.call(`get secret ${namespace}/${name}`, async (core) => {
      const secret = await nullOn404(() => core.readNamespacedSecret({ name, namespace }));
      return secret && toSecretState(secret);
    });
  }

  createSecret({ metadata, data }: SecretState): Promise<SecretState> {
    const { name, labels, annotations } = metadata;
    const namespace = metadata.namespace ?? 'default';
    return this.call(`create secret ${namespace}/${name}`, async (core) =>
      toSecretState(
        await core.createNamespacedSecret({
          namespace,
          body: {
            apiVersion: 'v1',
            kind: 'Secret',
            type: 'Opaque',
            metadata: { name, namespace, labels, annotations },
            data,
          },
        }),
      ),
    );
  }

  addSecretData(
    namespace: string,
    name: string,
    data: Record<string, string>,
    resourceVersion: string,
  ): Promise<SecretState> {
    return this.call(`patch secret ${namespace}/${name}`, async (core) =>
      toSecretState(
        await core.patchNamespacedSecret(
          { name, namespace, body: { metadata: { resourceVersion }, data } },
          MERGE_PATCH,
        ),
      ),
    );
  }

  private async call<T>(what: string, action: (core: CoreV1Api) => Promise<T>): Promise<T> {
    if (!this.core) throw new KubernetesApiError(0, this.noClusterMessage, 'NotConfigured');
    try {
      return await action(this.core);
    } catch (error) {
      throw toKubernetesApiError(error, what);
    }
  }
}

function toSecretState(secret: V1Secret): SecretState {
  const { name = '', namespace, resourceVersion, labels, annotations } = secret.metadata ?? {};
  return {
    metadata: { name, namespace, resourceVersion, labels, annotations },
    data: { ...(secret.data ?? {}) },
  };
}
