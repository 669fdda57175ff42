import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import {
  KSC_GROUP,
  KSC_PLURAL,
  KSC_VERSION,
  type KiadaServiceCount,
  type PolicySpec,
} from '../../src/kubernetes/kiada-service-count.js';
import { kubeClients } from '../../test/support/kubernetes.js';
import { waitFor } from '../../test/support/wait.js';

/**
 * The policy of the reaction benchmark: two schedules and a forecast, so every decision runs
 * every rule. Their minimums equal the seed's floor and the forecast sees a flat count, so
 * the crossings decide as without them (2 <-> 3 replicas).
 */
export const REACTION_POLICY: PolicySpec = {
  schedules: [
    {
      name: 'office-hours',
      start: '0 8 * * 1-5',
      end: '0 18 * * 1-5',
      timeZone: 'Asia/Seoul',
      minReplicas: 2,
    },
    {
      name: 'night',
      start: '0 22 * * *',
      end: '0 6 * * *',
      timeZone: 'Europe/Berlin',
      minReplicas: 2,
    },
  ],
  forecast: { lookaheadSeconds: 120, windowSeconds: 300 },
};

/**
 * Sets spec.policy of the KiadaServiceCount (once the api has created it) and waits until
 * the api has applied it (its policy annotation names it valid).
 */
export async function applyPolicy(
  namespace: string,
  name: string,
  policy: PolicySpec,
): Promise<void> {
  const { custom } = kubeClients();
  const coordinates = {
    group: KSC_GROUP,
    version: KSC_VERSION,
    namespace,
    plural: KSC_PLURAL,
    name,
  };
  await waitFor(`KiadaServiceCount ${namespace}/${name}`, () =>
    custom.getNamespacedCustomObject(coordinates),
  );
  await custom.patchNamespacedCustomObject(
    { ...coordinates, body: { spec: { policy } } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  await waitFor(`the api applying spec.policy of ${namespace}/${name}`, async () => {
    const resource = (await custom.getNamespacedCustomObject(coordinates)) as KiadaServiceCount;
    const verdict = resource.metadata.annotations?.['autoscaling.hanyang.ac.kr/policy'];
    return (
      verdict !== undefined &&
      JSON.parse(verdict).source === 'resource' &&
      JSON.parse(verdict).valid === true
    );
  });
}
