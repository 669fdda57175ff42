import {
  KSC_API_VERSION,
  KSC_KIND,
  type KiadaServiceCount,
} from '../kubernetes/kiada-service-count.js';

export interface ServiceCountManifestInput {
  namespace: string;
  name: string;
  owner: string;
  targetName: string;
  replicas: number;
}

/** The KiadaServiceCount the API creates when the configured one is missing. */
export function serviceCountManifest({
  namespace,
  name,
  owner,
  targetName,
  replicas,
}: ServiceCountManifestInput): KiadaServiceCount {
  return {
    apiVersion: KSC_API_VERSION,
    kind: KSC_KIND,
    metadata: {
      name,
      namespace,
      labels: { 'app.kubernetes.io/managed-by': 'kiada-autoscaler' },
    },
    spec: { owner, kiadaServiceCount: replicas, targetRef: { name: targetName } },
  };
}
