import type { DeploymentState } from '../kubernetes.types.js';

export interface ScaleResult {
  replicas: number;
  resourceVersion?: string;
}

/** The operator's view of the scaled Deployment. Rejects with KubernetesApiError. */
export abstract class DeploymentApi {
  /** Resolves null on 404. */
  abstract getDeployment(namespace: string, name: string): Promise<DeploymentState | null>;
  /**
   * Sets spec.replicas through the Deployment's scale subresource. Resolves to what the
   * API server now holds (the Deployment's new resourceVersion, for read-after-write).
   */
  abstract scaleDeployment(namespace: string, name: string, replicas: number): Promise<ScaleResult>;
}
