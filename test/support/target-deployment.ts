import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { kubeClients } from './kubernetes.js';

/** The Deployment the autoscaler drives; kwok's fake nodes make its pods Running and Ready. */
export function targetDeploymentBody(name: string, replicas: number): V1Deployment {
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          // kwok's fake nodes: pods are scheduled there and made Ready without running anything.
          tolerations: [{ key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' }],
          containers: [{ name, image: 'luksa/kiada:0.1', ports: [{ containerPort: 8080 }] }],
        },
      },
    },
  };
}

export async function createTargetDeployment(
  namespace: string,
  name = 'kiada',
  replicas = 1,
): Promise<void> {
  const { apps } = kubeClients();
  await apps.createNamespacedDeployment({ namespace, body: targetDeploymentBody(name, replicas) });
}

/** The Deployment's spec.replicas. */
export async function deploymentReplicas(
  namespace: string,
  name = 'kiada',
): Promise<number | undefined> {
  const { apps } = kubeClients();
  return (await apps.readNamespacedDeployment({ name, namespace })).spec?.replicas;
}

/** Running, Ready and not being deleted: a pod that serves. */
export function isPodReady(pod: V1Pod): boolean {
  return (
    !pod.metadata?.deletionTimestamp &&
    pod.status?.phase === 'Running' &&
    (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}

export async function readyPods(namespace: string, app = 'kiada'): Promise<number> {
  const { core } = kubeClients();
  const pods = await core.listNamespacedPod({ namespace, labelSelector: `app=${app}` });
  return pods.items.filter(isPodReady).length;
}
