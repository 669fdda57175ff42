import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { now } from '../bench/lib/progress.js';
import {
  KSC_GROUP,
  KSC_PLURAL,
  KSC_VERSION,
  type PolicySpec,
} from '../src/kubernetes/kiada-service-count.js';
import { kubeClients } from '../test/support/kubernetes.js';
import { latestDecisions } from './api-client.js';
import type { ClusterView } from './cluster-view.js';
import { say } from './say.js';
import { RESOURCE_NAME, TARGET_NAME } from './settings.js';

/** The policy the demo applies live: at least 4 replicas, whatever the count. */
export const LIVE_POLICY: PolicySpec = { minReplicas: 4 };

/**
 * The policy lives in the resource: sets spec.policy as `kubectl patch` would, while the api
 * runs, and measures how long until the Deployment follows (no restart). Returns what went
 * wrong, if anything.
 */
export async function applyPolicyLive(
  apiUrl: string,
  view: ClusterView,
  namespace: string,
): Promise<string | undefined> {
  const patch = { spec: { policy: LIVE_POLICY } };
  say(
    `a policy change, live: kubectl --namespace ${namespace} patch ksc ${RESOURCE_NAME} ` +
      `--type merge --patch '${JSON.stringify(patch)}'`,
  );
  const from = view.changes.length;
  const started = now();
  await kubeClients().custom.patchNamespacedCustomObject(
    {
      group: KSC_GROUP,
      version: KSC_VERSION,
      plural: KSC_PLURAL,
      namespace,
      name: RESOURCE_NAME,
      body: patch,
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  const at = await view.replicasAt(LIVE_POLICY.minReplicas!, from, 10_000);
  if (at === null) {
    return `the policy change did not reach Deployment ${TARGET_NAME} within 10 s`;
  }
  const [decision] = await latestDecisions(apiUrl, 1);
  say(
    `Deployment ${TARGET_NAME} at ${LIVE_POLICY.minReplicas} replicas ${Math.round(at - started)} ms after the patch, ` +
      `same api process: ${decision?.reason}: ${decision?.message}`,
  );
  if (decision?.reason !== 'PolicyChanged') {
    return `the newest decision is ${decision?.reason}, not PolicyChanged`;
  }
  return undefined;
}
