import { HttpUser } from '../support/http-user.js';
import { kubeClients, kubectl } from '../support/kubernetes.js';
import { createNamespace, deleteNamespace } from '../support/namespaces.js';
import { CHART } from '../support/rbac.js';
import { applyChartCrds, helmTemplate } from '../support/rendered-workloads.js';
import { withScratchFile } from '../support/scratch-file.js';
import { nodeImageValues, PortForward } from './node-cluster.js';

const RELEASE = 'kiada-autoscaler';
const GENERATED = `${RELEASE}-generated`;
const minute = 60_000;

/**
 * The GitOps install of test/k8s/gitops-install.e2e-spec.ts on a node that runs real
 * containers: `helm template | kubectl apply` with default values but the images, a fresh
 * render re-applied, the secrets Job run again (as Argo CD runs it at every sync), and the
 * api pods restarted; a logged-in user stays logged in and the api ready. The kubelet runs
 * the pods here, so nothing is emulated. Run by test/node/run.sh on a real node.
 */
describe('helm template | kubectl apply on a real node, re-applied with a fresh render', () => {
  let namespace: string;
  let rendered: string;
  let forward: PortForward | undefined;
  const user = { name: 'gitops-node-user', cookie: '' };

  const render = async () =>
    withScratchFile('values.json', nodeImageValues(), (values) =>
      helmTemplate(RELEASE, CHART, ['--namespace', namespace, '-f', values]),
    );
  const apply = async (yaml: string) =>
    withScratchFile('render.yaml', yaml, (file) => kubectl('apply', '-n', namespace, '-f', file));
  const wait = (what: string, ...args: string[]) =>
    kubectl('wait', '-n', namespace, '--timeout=300s', `--for=${what}`, ...args);
  const secretVersion = async () =>
    (await kubeClients().core.readNamespacedSecret({ name: GENERATED, namespace })).metadata!
      .resourceVersion;
  const me = async () =>
    (await fetch(`${forward!.url}/auth/me`, { headers: { cookie: user.cookie } })).status;

  beforeAll(async () => {
    namespace = await createNamespace('ksc-node-gitops');
  });

  afterAll(async () => {
    forward?.close();
    if (namespace) await deleteNamespace(namespace);
  });

  it(
    'installs with kubectl apply (the CRD first): the Jobs run, MySQL and the api get ready, a user logs in',
    async () => {
      await applyChartCrds(CHART);
      rendered = await render();
      expect(await render()).toBe(rendered);
      await apply(rendered);
      await wait('condition=complete', `job/${RELEASE}-secrets`);
      await wait('condition=complete', `job/${RELEASE}-migrate`);
      await wait('condition=available', `deployment/${RELEASE}-api`);
      forward = await PortForward.open(namespace, `service/${RELEASE}-api`, 80);
      const http = new HttpUser(forward.url, user.name);
      await http.signUp();
      await http.logIn();
      user.cookie = http.sessionCookie;
      expect(await me()).toBe(200);
    },
    10 * minute,
  );

  it(
    're-applies a fresh render and runs the secrets Job again: the generated Secret stays as it is',
    async () => {
      const before = await secretVersion();
      const fresh = await render();
      expect(fresh).toBe(rendered);
      // As Argo CD's BeforeHookCreation: the finished Job goes, the re-apply runs it again.
      await kubectl('delete', 'job', '-n', namespace, `${RELEASE}-secrets`, '--wait=true');
      await apply(fresh);
      await wait('condition=complete', `job/${RELEASE}-secrets`);
      expect(await secretVersion()).toBe(before);
    },
    5 * minute,
  );

  it(
    'keeps the user logged in after the api pods restart, and the api reaches MySQL',
    async () => {
      forward?.close();
      await kubectl('rollout', 'restart', '-n', namespace, `deployment/${RELEASE}-api`);
      await kubectl(
        'rollout',
        'status',
        '-n',
        namespace,
        `deployment/${RELEASE}-api`,
        '--timeout=300s',
      );
      forward = await PortForward.open(namespace, `service/${RELEASE}-api`, 80);
      expect((await fetch(`${forward.url}/readyz`)).status).toBe(200);
      expect(await me()).toBe(200);
    },
    5 * minute,
  );
});
