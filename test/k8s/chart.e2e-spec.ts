import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { applyCrd, getServiceCount } from '../support/custom-resource.js';
import { kubectl } from '../support/kubernetes.js';
import { createNamespace, deleteNamespace } from '../support/namespaces.js';
import { CHART } from '../support/rbac.js';
import { waitFor } from '../support/wait.js';

const run = promisify(execFile);
const RELEASE = 'kiada-autoscaler';
const helm = (...args: string[]) =>
  run('helm', args, { env: process.env, maxBuffer: 16 * 1024 * 1024 });

/** Namespaced kinds the chart creates; after `helm uninstall` none may be left. */
const KINDS = [
  'deployments.apps',
  'statefulsets.apps',
  'jobs.batch',
  'services',
  'serviceaccounts',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'roles.rbac.authorization.k8s.io',
  'rolebindings.rbac.authorization.k8s.io',
  'kiadaservicecounts.hanyang.ac.kr',
];

async function releaseObjects(namespace: string): Promise<string[]> {
  const out = await kubectl(
    'get',
    KINDS.join(','),
    '--namespace',
    namespace,
    '--selector',
    `app.kubernetes.io/instance=${RELEASE}`,
    '--output',
    'name',
  );
  return out.split('\n').filter((line) => line.length > 0);
}

/**
 * `helm install` of the chart into the real API server: every object accepted (the server
 * validates each against its schema), the KiadaServiceCount created, the migration hook Job
 * completed (kwok completes Job pods), and `helm uninstall` leaving nothing but the CRD.
 * Images are never pulled: kwok's fake nodes only pretend to run containers.
 */
describe('Helm chart installed into a real API server', () => {
  let namespace: string;

  beforeAll(async () => {
    await applyCrd();
    namespace = await createNamespace('ksc-chart');
  });

  afterAll(async () => {
    await helm('uninstall', RELEASE, '--namespace', namespace).catch(() => undefined);
    await deleteNamespace(namespace);
  });

  it('installs with one helm install, with bundled MySQL, and every object is accepted', async () => {
    await helm(
      'install',
      RELEASE,
      CHART,
      '--namespace',
      namespace,
      '--wait',
      '--wait-for-jobs',
      '--timeout',
      '3m',
    );

    const objects = await releaseObjects(namespace);
    expect(objects).toEqual(
      expect.arrayContaining([
        `deployment.apps/${RELEASE}-api`,
        `deployment.apps/${RELEASE}-operator`,
        'deployment.apps/kiada',
        `statefulset.apps/${RELEASE}-mysql`,
        `service/${RELEASE}-api`,
        `serviceaccount/${RELEASE}-api`,
        `serviceaccount/${RELEASE}-operator`,
        `role.rbac.authorization.k8s.io/${RELEASE}-api`,
        `role.rbac.authorization.k8s.io/${RELEASE}-operator`,
        'kiadaservicecount.hanyang.ac.kr/hanyang-kiada-autoscaler',
      ]),
    );
    const resource = await getServiceCount(namespace, 'hanyang-kiada-autoscaler');
    expect(resource.spec).toMatchObject({
      owner: 'hanyang-university-graduation-37-team',
      kiadaServiceCount: 1,
      targetRef: { name: 'kiada' },
    });
    const kiada = JSON.parse(
      await kubectl('get', 'deployment', 'kiada', '--namespace', namespace, '--output', 'json'),
    );
    // The chart leaves replicas to the operator (the API server defaults an omitted field to 1).
    expect(kiada.spec.replicas).toBe(1);
    const status = JSON.parse(
      await kubectl(
        'get',
        'deployment',
        `${RELEASE}-api`,
        '--namespace',
        namespace,
        '--output',
        'json',
      ),
    );
    expect(status.status.readyReplicas).toBe(2);
    const history = (await helm('history', RELEASE, '--namespace', namespace, '--output', 'json'))
      .stdout;
    expect(JSON.parse(history)[0].status).toBe('deployed');
  }, 240_000);

  it('upgrades in place with changed values', async () => {
    await helm(
      'upgrade',
      RELEASE,
      CHART,
      '--namespace',
      namespace,
      '--reuse-values',
      '--set',
      'api.replicas=3',
      '--wait',
      '--wait-for-jobs',
      '--timeout',
      '3m',
    );
    await waitFor('3 api replicas', async () => {
      const api = JSON.parse(
        await kubectl(
          'get',
          'deployment',
          `${RELEASE}-api`,
          '--namespace',
          namespace,
          '--output',
          'json',
        ),
      );
      return api.status.readyReplicas === 3;
    });
  }, 240_000);

  it('uninstalls, leaving nothing but the CRD', async () => {
    await helm('uninstall', RELEASE, '--namespace', namespace, '--wait', '--timeout', '2m');
    await waitFor(
      'no object of the release left',
      async () => (await releaseObjects(namespace)).length === 0,
      {
        timeoutMs: 60_000,
      },
    );
    expect(
      await kubectl('get', 'crd', 'kiadaservicecounts.hanyang.ac.kr', '--output', 'name'),
    ).toContain('kiadaservicecounts.hanyang.ac.kr');
  }, 180_000);
});
