import { applyCrd, createServiceCount } from '../test/support/custom-resource.js';
import { isNotFound, kubeClients } from '../test/support/kubernetes.js';
import { createTargetDeployment } from '../test/support/target-deployment.js';
import { waitFor } from '../test/support/wait.js';
import { DemoError } from './demo-error.js';
import { NAMESPACE_LABEL, OWNER, RESOURCE_NAME, TARGET_NAME } from './settings.js';
import { say } from './say.js';

const CRD_NAME = 'kiadaservicecounts.hanyang.ac.kr';

/** Installs (or updates) the CRD from the chart; returns whether it was new. */
export async function installCrd(): Promise<boolean> {
  const { extensions } = kubeClients();
  const existed = await extensions.readCustomResourceDefinition({ name: CRD_NAME }).then(
    () => true,
    (error: unknown) => {
      if (isNotFound(error)) return false;
      throw error;
    },
  );
  await applyCrd();
  say(
    `CRD ${CRD_NAME} ${existed ? 'updated from' : 'installed from'} the chart (helm/kiada-autoscaler/crds/)`,
  );
  return !existed;
}

/**
 * Creates the demo's namespace. One left by an earlier demo that is being deleted is waited
 * for; any other is not ours to reuse.
 */
export async function createDemoNamespace(name: string): Promise<void> {
  const { core } = kubeClients();
  const existing = await core.readNamespace({ name }).catch((error: unknown) => {
    if (isNotFound(error)) return undefined;
    throw error;
  });
  if (existing?.status?.phase === 'Terminating') {
    say(`namespace ${name} is still being deleted (an earlier demo): waiting for it`);
    await waitFor(
      `namespace ${name} deleted`,
      () => core.readNamespace({ name }).then(() => false, isNotFound),
      {
        timeoutMs: 120_000,
        intervalMs: 1_000,
      },
    );
  } else if (existing) {
    throw new DemoError(
      `namespace ${name} already exists and this demo did not create it (no demo state lists it): ` +
        `delete it (kubectl delete namespace ${name}) or choose another with KIADA_DEMO_NAMESPACE=...`,
    );
  }
  await core.createNamespace({
    body: { metadata: { name, labels: { [NAMESPACE_LABEL]: 'true' } } },
  });
  // Pods need the default ServiceAccount, which a controller creates.
  await waitFor(`service account default in ${name}`, () =>
    core.readNamespacedServiceAccount({ name: 'default', namespace: name }).then(() => true),
  );
  say(`namespace ${name} created`);
}

/** Deployment kiada (1 replica) and the KiadaServiceCount that targets it, as the seed's manifest. */
export async function installTarget(namespace: string): Promise<void> {
  await createTargetDeployment(namespace, TARGET_NAME, 1);
  await createServiceCount(namespace, RESOURCE_NAME, {
    owner: OWNER,
    kiadaServiceCount: 1,
    targetRef: { name: TARGET_NAME },
  });
  say(
    `Deployment ${TARGET_NAME} (1 replica) and KiadaServiceCount ${RESOURCE_NAME} (spec.kiadaServiceCount 1) created in ${namespace}`,
  );
}
