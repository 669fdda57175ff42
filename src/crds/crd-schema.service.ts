import { readFile } from 'node:fs/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { KubernetesApiError } from '../kubernetes/kubernetes-api.error.js';
import { CustomResourceDefinitionApi } from '../kubernetes/ports/custom-resource-definition.api.js';
import { crdManifest } from './crd-manifest.js';

/** The token of CRD_MANIFEST_PATH (the manifest the role applies). */
export const CRD_MANIFEST_PATH = Symbol('CRD_MANIFEST_PATH');

/** A write that meets a newer version is read and tried again this many times in all. */
const ATTEMPTS = 3;

/**
 * The `crds` role: brings the chart's CustomResourceDefinition schema to the cluster at
 * `helm upgrade`. Helm creates a chart's crds/ at install and never changes them after, so
 * without this a new field (spec.policy) would never reach a cluster installed by an older
 * chart. The CRD must exist (created by `helm install` from crds/): the role only replaces
 * its spec, by a JSON merge patch on the version it read; a spec that is already the
 * chart's writes nothing.
 */
@Injectable()
export class CrdSchemaService {
  private readonly logger = new Logger('CustomResourceDefinition');

  constructor(
    private readonly crds: CustomResourceDefinitionApi,
    @Inject(CRD_MANIFEST_PATH) private readonly manifestPath: string,
  ) {}

  /** Resolves to whether the stored schema changed. */
  async apply(): Promise<boolean> {
    const manifest = crdManifest(await readJson(this.manifestPath), this.manifestPath);
    for (let attempt = 1; ; attempt++) {
      const current = await this.crds.getCustomResourceDefinition(manifest.name);
      if (!current) {
        throw new Error(
          `CustomResourceDefinition ${manifest.name} does not exist: helm install creates it from the chart's crds/; ` +
            `create it with kubectl apply --server-side -f helm/kiada-autoscaler/crds/, or install the chart`,
        );
      }
      try {
        const written = await this.crds.patchCustomResourceDefinitionSpec(
          manifest.name,
          manifest.spec,
          current.resourceVersion,
        );
        const changed = written.resourceVersion !== current.resourceVersion;
        this.logger.log(
          changed
            ? `${manifest.name}: schema of ${manifest.versions.join(', ')} applied (versions ${current.versions.join(', ')} before)`
            : `${manifest.name}: schema of ${manifest.versions.join(', ')} is up to date`,
        );
        return changed;
      } catch (error) {
        if (
          !(error instanceof KubernetesApiError && error.statusCode === 409) ||
          attempt >= ATTEMPTS
        )
          throw error;
      }
    }
  }
}

/** The manifest as JSON (the chart renders the CRD of its crds/ as JSON into a ConfigMap). */
async function readJson(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(
      `${path} is not JSON (${(error as Error).message}): the chart mounts the CRD as JSON`,
      { cause: error },
    );
  }
}
