import {
  ApiextensionsV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  V1CustomResourceDefinition,
} from '#kubernetes-client';
import { KubernetesApiError } from '../kubernetes-api.error.js';
import type {
  CustomResourceDefinitionApi,
  CustomResourceDefinitionState,
} from '../ports/custom-resource-definition.api.js';
import { nullOn404, toKubernetesApiError } from './client-node-errors.js';

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/**
 * CustomResourceDefinitionApi on @kubernetes/client-node's ApiextensionsV1Api. Its own small
 * adapter (as ClientNodeSecrets): only the `crds` role uses it. The spec goes out as the
 * patch body, as read from the manifest: client-node serializes a patch body as it is, where
 * a typed V1CustomResourceDefinition would need the manifest's field names mapped first
 * (`x-kubernetes-validations` and the like).
 */
export class ClientNodeCustomResourceDefinitions implements CustomResourceDefinitionApi {
  private readonly extensions?: ApiextensionsV1Api;

  constructor(
    kubeConfig: KubeConfig,
    /** Why there is no cluster to call, when the kubeconfig names none. */
    private readonly noClusterMessage: string,
  ) {
    try {
      this.extensions = kubeConfig.makeApiClient(ApiextensionsV1Api);
    } catch {
      // No current cluster: every call fails with status 0 and the message.
    }
  }

  getCustomResourceDefinition(name: string): Promise<CustomResourceDefinitionState | null> {
    return this.call(`get customresourcedefinition ${name}`, async (extensions) => {
      const crd = await nullOn404(() => extensions.readCustomResourceDefinition({ name }));
      return crd && toState(crd);
    });
  }

  patchCustomResourceDefinitionSpec(
    name: string,
    spec: Record<string, unknown>,
    resourceVersion: string,
  ): Promise<CustomResourceDefinitionState> {
    return this.call(`patch customresourcedefinition ${name}`, async (extensions) =>
      toState(
        await extensions.patchCustomResourceDefinition(
          { name, body: { metadata: { resourceVersion }, spec } },
          MERGE_PATCH,
        ),
      ),
    );
  }

  private async call<T>(
    what: string,
    action: (extensions: ApiextensionsV1Api) => Promise<T>,
  ): Promise<T> {
    if (!this.extensions) throw new KubernetesApiError(0, this.noClusterMessage, 'NotConfigured');
    try {
      return await action(this.extensions);
    } catch (error) {
      throw toKubernetesApiError(error, what);
    }
  }
}

function toState(crd: V1CustomResourceDefinition): CustomResourceDefinitionState {
  return {
    name: crd.metadata?.name ?? '',
    resourceVersion: crd.metadata?.resourceVersion ?? '',
    versions: crd.spec.versions.map((version) => version.name),
  };
}
