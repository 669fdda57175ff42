import type { DeploymentState } from '../kubernetes.types.js';

/** The operator's view of the scaled Deployment. Rejects with KubernetesApiError. */
export abstract class DeploymentApi {
  /** Resolves null on 404. */
  abstract getDeployment(namespace: string, name: string): Promise<DeploymentState | null>;
  /** Sets spec.replicas through the Deployment's scale subresource. */
  abstract scaleDeployment(namespace: string, name: string, replicas: number): Promise<void>;
}
