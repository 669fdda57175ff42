/** What the `crds` role reads of a CustomResourceDefinition (apiextensions.k8s.io/v1). */
export interface CustomResourceDefinitionState {
  name: string;
  resourceVersion: string;
  /** spec.versions[].name, served or not. */
  versions: string[];
}

/**
 * CustomResourceDefinitions, for the `crds` role that brings the chart's CRD schema to the
 * cluster at `helm upgrade` (Helm installs a chart's crds/ once and never upgrades it).
 * Rejects with KubernetesApiError.
 */
export abstract class CustomResourceDefinitionApi {
  /** Resolves null on 404. */
  abstract getCustomResourceDefinition(name: string): Promise<CustomResourceDefinitionState | null>;
  /**
   * Writes `spec` by JSON merge patch (its lists, `versions` with each version's schema
   * among them, replace the stored ones whole); rejects with 409 when the CRD is no longer
   * at `resourceVersion`. A spec equal to the stored one changes nothing (same
   * resourceVersion back).
   */
  abstract patchCustomResourceDefinitionSpec(
    name: string,
    spec: Record<string, unknown>,
    resourceVersion: string,
  ): Promise<CustomResourceDefinitionState>;
}
