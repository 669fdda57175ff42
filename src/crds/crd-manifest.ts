/** The parts of a CustomResourceDefinition manifest the `crds` role needs. */
export interface CrdManifest {
  name: string;
  spec: Record<string, unknown>;
  /** spec.versions[].name. */
  versions: string[];
}

/**
 * Checks that a parsed manifest is one apiextensions.k8s.io/v1 CustomResourceDefinition
 * with a name and versions; throws naming what is wrong (`source`: where it came from).
 * Pure.
 */
export function crdManifest(parsed: unknown, source: string): CrdManifest {
  const object = parsed as {
    apiVersion?: unknown;
    kind?: unknown;
    metadata?: { name?: unknown };
    spec?: { versions?: unknown };
  } | null;
  const fail = (problem: string): never => {
    throw new Error(
      `${source} ${problem}: expected one apiextensions.k8s.io/v1 CustomResourceDefinition`,
    );
  };
  if (!object || typeof object !== 'object') return fail('holds no object');
  if (object.apiVersion !== 'apiextensions.k8s.io/v1' || object.kind !== 'CustomResourceDefinition')
    return fail(`is a ${String(object.kind)} of ${String(object.apiVersion)}`);
  const name = object.metadata?.name;
  if (typeof name !== 'string' || name === '') return fail('has no metadata.name');
  const versions = object.spec?.versions;
  if (!Array.isArray(versions) || versions.length === 0) return fail('has no spec.versions');
  return {
    name,
    spec: object.spec as Record<string, unknown>,
    versions: versions.map((version: { name?: unknown }) => String(version.name)),
  };
}
