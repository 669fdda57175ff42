import { isDeepStrictEqual } from 'node:util';
import { KubernetesApiError } from '../kubernetes-api.error.js';
import type {
  CustomResourceDefinitionApi,
  CustomResourceDefinitionState,
} from '../ports/custom-resource-definition.api.js';
import { RecordingFake } from './recording-fake.js';

interface StoredCrd {
  resourceVersion: string;
  spec: Record<string, unknown>;
}

/**
 * CustomResourceDefinitionApi of the unit tests: CRDs in memory with resourceVersions, 404
 * and 409 as a server; a patch that changes nothing keeps the resourceVersion, as the API
 * server does.
 */
export class InMemoryCustomResourceDefinitions
  extends RecordingFake<keyof CustomResourceDefinitionApi>
  implements CustomResourceDefinitionApi
{
  private readonly crds = new Map<string, StoredCrd>();
  private revision = 1;

  /** Puts a CRD in place, as `helm install` from crds/ would. */
  seed(name: string, spec: Record<string, unknown>): void {
    this.crds.set(name, { resourceVersion: String(++this.revision), spec: structuredClone(spec) });
  }

  /** The stored spec of a CRD, or undefined. */
  spec(name: string): Record<string, unknown> | undefined {
    const crd = this.crds.get(name);
    return crd && structuredClone(crd.spec);
  }

  async getCustomResourceDefinition(name: string): Promise<CustomResourceDefinitionState | null> {
    this.enter('getCustomResourceDefinition', [name]);
    const crd = this.crds.get(name);
    return crd ? state(name, crd) : null;
  }

  async patchCustomResourceDefinitionSpec(
    name: string,
    spec: Record<string, unknown>,
    resourceVersion: string,
  ): Promise<CustomResourceDefinitionState> {
    this.enter('patchCustomResourceDefinitionSpec', [name, structuredClone(spec), resourceVersion]);
    const crd = this.crds.get(name);
    if (!crd) throw new KubernetesApiError(404, 'customresourcedefinition not found', 'NotFound');
    if (crd.resourceVersion !== resourceVersion) {
      throw new KubernetesApiError(409, 'the object has been modified', 'Conflict');
    }
    // A merge patch: top-level fields of the spec replaced (versions is a list: whole).
    const merged = { ...crd.spec, ...structuredClone(spec) };
    if (isDeepStrictEqual(merged, crd.spec)) return state(name, crd);
    this.countWrite(`CustomResourceDefinition ${name}`);
    const stored = { resourceVersion: String(++this.revision), spec: merged };
    this.crds.set(name, stored);
    return state(name, stored);
  }
}

function state(name: string, crd: StoredCrd): CustomResourceDefinitionState {
  const versions = (crd.spec.versions as Array<{ name: string }> | undefined) ?? [];
  return { name, resourceVersion: crd.resourceVersion, versions: versions.map((v) => v.name) };
}
