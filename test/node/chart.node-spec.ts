import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1NetworkPolicy, V1Pod } from '@kubernetes/client-node';
import { getServiceCount } from '../support/custom-resource.js';
import { HttpUser } from '../support/http-user.js';
import { kubectl } from '../support/kubernetes.js';
import { createNamespace, deleteNamespace } from '../support/namespaces.js';
import { CHART } from '../support/rbac.js';
import { sleep, waitFor } from '../support/wait.js';
import {
  containerMemoryMiB,
  helm,
  nodeImages,
  nodeImageValues,
  percentile,
  podReady,
  PortForward,
  ReadyPods,
  readyPodNames,
} from './node-cluster.js';

/**
 * The chart installed as a user's `helm install` installs it, on nodes that run real
 * containers (the local cluster's real node, or kind): default values except the image
 * names and pull policies, `--wait --wait-for-jobs`. Then what a user would check: the pods
 * Ready through their real probes, `helm test`, sign-ups and logins through `kubectl
 * port-forward` scaling the kiada Deployment's real pods, the operator's leader hand-over,
 * sessions surviving an api pod, `helm upgrade` with no failed request, `helm uninstall`,
 * and all of it again with NetworkPolicies on. Run by test/node/run.sh, which builds and
 * loads the images and prints the figures this suite writes to KIADA_NODE_RESULTS.
 */
const RELEASE = 'kiada-autoscaler';
const API = `${RELEASE}-api`;
const OPERATOR = `${RELEASE}-operator`;
const KSC = 'hanyang-kiada-autoscaler';
const CRD = 'kiadaservicecounts.hanyang.ac.kr';
/** The CRD chart 0.1.0 installed (before spec.policy): what an upgrade from it starts with. */
const CRD_0_1_0 = 'test/k8s/fixtures/chart-0.1.0/crds/kiadaservicecounts.hanyang.ac.kr.yaml';
const COMPONENT = 'app.kubernetes.io/component';
/** The short scale-down window of the crossing values (the default is 300 s). */
const WINDOW_SECONDS = 15;
/** Crossings measured with the kiada image's start-up delay at 0 and at 5 s. */
const CROSSINGS = { 0: 8, 5: 4 } as const;
/** The label the NetworkPolicy run lets reach the api (networkPolicy.apiFrom). */
const CLIENT_LABEL = 'kiada-node-test/client';

const images = nodeImages();
const results: Record<string, unknown> = {};
const minute = 60_000;

const imageValues = () => nodeImageValues(images);

/** The tier policy the crossings use: every active user past the first adds a kiada pod. */
const CROSSING_VALUES = JSON.stringify({
  scaling: {
    tiers: '1:2',
    stepUsers: 1,
    minReplicas: 2,
    maxReplicas: 20,
    stabilizationSeconds: WINDOW_SECONDS,
  },
  api: { throttleLimit: 0 },
});

interface PodList {
  items: V1Pod[];
}

describe('the chart on real nodes: helm install as a user types it', () => {
  let namespace: string;
  let work: string;
  let readyPods: ReadyPods;
  let realNodes: Set<string>;
  let users = 0;
  const valuesFile = (name: string, content: string) => {
    const file = join(work, `${name}.json`);
    writeFileSync(file, content);
    return file;
  };
  const pods = async (selector?: string): Promise<V1Pod[]> =>
    (
      JSON.parse(
        await kubectl(
          'get',
          'pods',
          '-n',
          namespace,
          ...(selector ? ['-l', selector] : []),
          '-o',
          'json',
        ),
      ) as PodList
    ).items;
  const deploymentReady = async (name: string) =>
    (
      JSON.parse(await kubectl('get', 'deployment', name, '-n', namespace, '-o', 'json')) as {
        status: { readyReplicas?: number };
      }
    ).status.readyReplicas ?? 0;
  const install = async (extra: string[]) => {
    const started = Date.now();
    await helm(
      'install',
      RELEASE,
      CHART,
      '--namespace',
      namespace,
      '-f',
      valuesFile('images', imageValues()),
      ...extra,
      '--wait',
      '--wait-for-jobs',
      '--timeout',
      '6m',
    );
    const helmSeconds = (Date.now() - started) / 1000;
    // helm's --wait saw kiada at its first replica count; the operator then scales it to 2
    await waitFor(
      'every pod of the release Ready (kiada at 2)',
      async () => {
        const current = (await pods(`app.kubernetes.io/instance=${RELEASE}`)).filter(
          (p) => p.status?.phase !== 'Succeeded',
        );
        const kiada = current.filter((p) => p.metadata?.labels?.[COMPONENT] === 'target');
        return kiada.length === 2 && current.every(podReady);
      },
      { timeoutMs: 2 * minute, intervalMs: 100 },
    );
    return { helmSeconds, allReadySeconds: (Date.now() - started) / 1000 };
  };
  /** Events of a hook Job: one `Completed` per successful run (Helm deletes the Job after). */
  const hookRuns = async (job: string) => {
    const events = JSON.parse(
      await kubectl(
        'get',
        'events',
        '-n',
        namespace,
        '--field-selector',
        `involvedObject.kind=Job,involvedObject.name=${RELEASE}-${job},reason=Completed`,
        '-o',
        'json',
      ),
    ) as { items: unknown[] };
    return events.items.length;
  };
  const migrationRuns = () => hookRuns('migrate');
  /** The fields of the KiadaServiceCount CRD's spec schema, as the cluster holds it. */
  const crdSpecFields = async () => {
    const crd = JSON.parse(await kubectl('get', 'crd', CRD, '-o', 'json')) as {
      spec: {
        versions: Array<{
          schema: { openAPIV3Schema: { properties: { spec: { properties: object } } } };
        }>;
      };
    };
    return Object.keys(crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties);
  };
  /** `helm uninstall --wait`, then no pod of the release (api, operator, MySQL, kiada) is left. */
  const uninstall = async () => {
    await helm('uninstall', RELEASE, '--namespace', namespace, '--wait', '--timeout', '3m');
    await waitFor(
      'no pod of the release left',
      async () => (await pods(`app.kubernetes.io/instance=${RELEASE}`)).length === 0,
      { timeoutMs: 2 * minute },
    );
  };
  /**
   * `helm test`: the pod exits 0 only when /readyz answers and /docs-json is an OpenAPI
   * document (set -e). Not `--logs`: the chart deletes a passed test pod at once
   * (hook-succeeded), so Helm finds no pod to read the logs of and fails.
   */
  const helmTest = () => helm('test', RELEASE, '--namespace', namespace, '--timeout', '3m');
  const newUser = () => `node-user-${process.pid}-${users++}`;
  const me = async (baseUrl: string, cookie: string) =>
    (await fetch(`${baseUrl}/auth/me`, { headers: { cookie } })).status;
  /** Logs a session out (POST /auth/logout with its cookie); fails unless 204. */
  const logOut = async (baseUrl: string, cookie: string) => {
    const response = await fetch(`${baseUrl}/auth/logout`, { method: 'POST', headers: { cookie } });
    if (response.status !== 204)
      throw new Error(`logout: ${response.status} ${await response.text()}`);
  };

  /** Creates a restricted busybox pod running `script` with `sh -c` (the suite's clients). */
  const clientPod = async (
    name: string,
    script: string,
    {
      labels = {},
      env = {},
    }: { labels?: Record<string, string>; env?: Record<string, string> } = {},
  ) => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace, labels },
      spec: {
        restartPolicy: 'Never',
        automountServiceAccountToken: false,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 65534,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        containers: [
          {
            name: 'client',
            image: images.busybox,
            imagePullPolicy: 'Never',
            env: Object.entries(env).map(([key, value]) => ({ name: key, value })),
            command: ['sh', '-c', script],
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          },
        ],
      },
    };
    await kubectl('apply', '-f', valuesFile(name, JSON.stringify(pod)));
  };

  /** A pod polling `url` with `cookie` every 0.2 s (5 s per request at most) until told to stop. */
  const startPoller = async (name: string, url: string, cookie: string) => {
    await clientPod(
      name,
      'while [ ! -e /tmp/stop ]; do ' +
        'if timeout 5 wget -q -O /dev/null --header "Cookie: $COOKIE" "$URL" 2>/tmp/err; then echo "$(date +%s) OK"; ' +
        'else echo "$(date +%s) FAIL $(cat /tmp/err)"; fi; sleep 0.2; done; echo STOPPED',
      { env: { URL: url, COOKIE: cookie } },
    );
    await waitFor(
      `poller ${name} running`,
      async () => {
        const log = await kubectl('logs', '-n', namespace, name).catch(() => '');
        return log.includes(' OK');
      },
      { timeoutMs: 60_000 },
    );
  };
  const stopPoller = async (name: string) => {
    let log: string;
    try {
      await kubectl('exec', '-n', namespace, name, '--', 'touch', '/tmp/stop');
      log = await waitFor(
        `poller ${name} stopped`,
        async () => {
          const out = await kubectl('logs', '-n', namespace, name);
          return out.includes('STOPPED') ? out : undefined;
        },
        { timeoutMs: 30_000 },
      );
    } finally {
      await kubectl('delete', 'pod', name, '-n', namespace, '--wait=false');
    }
    const lines = log.split('\n').filter((l) => / (OK|FAIL)/.test(l));
    const times = lines.map((l) => Number(l.split(' ')[0]));
    return {
      ok: lines.filter((l) => l.includes(' OK')).length,
      failed: lines.filter((l) => l.includes(' FAIL')),
      first: Math.min(...times),
      last: Math.max(...times),
    };
  };

  /** Logs users in through the port-forward, one at a time; each crossing waits for its new kiada pod Ready. */
  const crossings = async (baseUrl: string, count: number) => {
    const latencies: number[] = [];
    const loggedIn: HttpUser[] = [];
    for (let i = 0; i < count; i++) {
      const user = new HttpUser(baseUrl, newUser());
      await user.signUp();
      const before = await deploymentReady('kiada');
      const started = Date.now();
      await user.logIn();
      loggedIn.push(user);
      const [pod] = await waitFor(
        `a new kiada pod Ready after login ${i + 1}`,
        () => {
          const fresh = readyPods.readySince(started, 'app.kubernetes.io/name', 'kiada');
          return fresh.length > 0 ? fresh : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 20 },
      );
      latencies.push(pod.at - started);
      // a real container on a real node
      expect(realNodes.has(pod.pod.spec!.nodeName!)).toBe(true);
      expect(pod.pod.status!.containerStatuses![0].containerID).toMatch(/^[a-z]+:\/\//);
      await waitFor(
        `kiada Deployment at ${before + 1} Ready`,
        async () => (await deploymentReady('kiada')) >= before + 1,
      );
    }
    return { latencies, loggedIn };
  };
  /** The KiadaServiceCount's status follows the kiada Deployment: readyReplicas = its Ready pods = `expected`, ready true. */
  const statusFollows = async (expected: number, timeoutMs = 60_000) =>
    waitFor(
      `KiadaServiceCount status.readyReplicas = kiada Ready = ${expected}, status.ready true`,
      async () => {
        const status = (await getServiceCount(namespace, KSC)).status;
        return status?.readyReplicas === expected &&
          status.ready === true &&
          (await deploymentReady('kiada')) === expected
          ? expected
          : undefined;
      },
      { timeoutMs },
    );

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'kiada-node-suite-'));
    const nodes = JSON.parse(await kubectl('get', 'nodes', '-o', 'json')) as {
      items: Array<{ metadata: { name: string; annotations?: Record<string, string> } }>;
    };
    realNodes = new Set(
      nodes.items
        .filter((n) => !n.metadata.annotations?.['kwok.x-k8s.io/node'])
        .map((n) => n.metadata.name),
    );
    if (realNodes.size === 0) {
      throw new Error('KUBECONFIG names a cluster without a real node: run bash test/node/run.sh');
    }
    namespace = await createNamespace('kiada-node', { label: 'kiada-autoscaler/node-test' });
    readyPods = new ReadyPods(namespace);
    await readyPods.start();
  }, minute);

  afterAll(async () => {
    readyPods?.stop();
    if (namespace) {
      await helm('uninstall', RELEASE, '--namespace', namespace, '--wait').catch(() => undefined);
      await deleteNamespace(namespace, { waitMs: 120_000 });
    }
    // the release's pods (api, operator, MySQL, kiada, the migration Jobs) seen Ready on a real node
    results.podsReady = readyPods
      ? [...readyPods.readyAt.values()].filter(
          (p) =>
            realNodes.has(p.pod.spec?.nodeName ?? '') &&
            p.pod.metadata?.labels?.['app.kubernetes.io/instance'] === RELEASE,
        ).length
      : 0;
    if (process.env.KIADA_NODE_RESULTS) {
      writeFileSync(process.env.KIADA_NODE_RESULTS, JSON.stringify(results, null, 2));
    }
    rmSync(work, { recursive: true, force: true });
  }, 3 * minute);

  it(
    'helm install --wait --wait-for-jobs: MySQL, the migration Job, 2 api and 2 operator pods Ready through their probes, on a real node',
    async () => {
      results.install = await install([]);

      const all = await pods();
      const byComponent = (c: string) => all.filter((p) => p.metadata?.labels?.[COMPONENT] === c);
      expect(byComponent('api').filter(podReady)).toHaveLength(2);
      expect(byComponent('operator').filter(podReady)).toHaveLength(2);
      expect(byComponent('database').filter(podReady)).toHaveLength(1);
      for (const pod of all.filter((p) => p.status?.phase === 'Running')) {
        // scheduled on a real node, every container started by the runtime and passing its probes
        expect({ pod: pod.metadata!.name, node: realNodes.has(pod.spec!.nodeName!) }).toEqual({
          pod: pod.metadata!.name,
          node: true,
        });
        for (const container of pod.status!.containerStatuses!) {
          expect(container).toMatchObject({ ready: true, started: true });
          expect(container.containerID).toMatch(/^[a-z]+:\/\//);
        }
      }
      // the migration hook Job ran to completion (Helm deletes it after success)
      expect(await migrationRuns()).toBe(1);
      // the StatefulSet's claim is bound by the cluster's default StorageClass
      const pvc = JSON.parse(
        await kubectl('get', 'pvc', '-n', namespace, '-l', `${COMPONENT}=database`, '-o', 'json'),
      ) as { items: Array<{ status: { phase: string } }> };
      expect(pvc.items.map((c) => c.status.phase)).toEqual(['Bound']);
      // the MariaDB image honoured MYSQL_DATABASE/USER/PASSWORD and MYSQL_ROOT_PASSWORD: the
      // app's user owns the migrated schema in /var/lib/mysql, root logs in with its password
      const inMysql = (script: string) =>
        kubectl('exec', '-n', namespace, `${RELEASE}-mysql-0`, '--', 'sh', '-c', script);
      const tables = await inMysql(
        'MYSQL_PWD="$MYSQL_PASSWORD" mysql -N --host=127.0.0.1 --user="$MYSQL_USER" "$MYSQL_DATABASE" -e "SELECT COUNT(*) FROM migrations"',
      );
      expect(Number(tables.trim())).toBeGreaterThan(0);
      const root = await inMysql(
        'MYSQL_PWD="$MYSQL_ROOT_PASSWORD" mysql -N --host=127.0.0.1 --user=root -e "SELECT CURRENT_USER()"',
      );
      // the data directory the chart mounts holds the database
      expect((await inMysql('ls -d /var/lib/mysql/"$MYSQL_DATABASE"')).trim()).toBe(
        '/var/lib/mysql/kiada',
      );
      expect(root.trim()).toBe('root@%');
    },
    8 * minute,
  );

  it(
    'helm test passes (the test pod reads /readyz and /docs-json through the api Service)',
    async () => {
      expect(await helmTest()).toMatch(
        /TEST SUITE:\s+kiada-autoscaler-test\s+Last Started:.*\s+Last Completed:.*\s+Phase:\s+Succeeded/,
      );
    },
    4 * minute,
  );

  let watcher: HttpUser;
  let upgradeWindow: { start: number; end: number };

  it(
    "helm upgrade with changed values runs the migration hook again, brings an older CRD to the chart's schema (the crds hook Job), and rolls the api pods; a client polling /auth/me through the Service sees no failed request",
    async () => {
      // The cluster's CRD as chart 0.1.0 left it (Helm never upgrades crds/ by itself).
      await kubectl('replace', '-f', CRD_0_1_0);
      expect(await crdSpecFields()).not.toContain('policy');
      const forward = await PortForward.open(namespace, `svc/${API}`, 80);
      try {
        watcher = new HttpUser(forward.url, newUser());
        await watcher.signUp();
        await watcher.logIn();
        expect(await me(forward.url, watcher.sessionCookie)).toBe(200);
      } finally {
        forward.close();
      }
      const apiBefore = (await pods(`${COMPONENT}=api`)).map((p) => p.metadata!.uid);
      await startPoller('poll-upgrade', `http://${API}/auth/me`, watcher.sessionCookie);
      const start = Date.now();
      await helm(
        'upgrade',
        RELEASE,
        CHART,
        '--namespace',
        namespace,
        '-f',
        valuesFile('images', imageValues()),
        '-f',
        valuesFile('crossing', CROSSING_VALUES),
        '--wait',
        '--wait-for-jobs',
        '--timeout',
        '6m',
      );
      await waitFor(
        'the roll done: 2 new api pods Ready, the old ones gone',
        async () => {
          const now = await pods(`${COMPONENT}=api`);
          return (
            now.length === 2 &&
            now.every((p) => podReady(p) && !apiBefore.includes(p.metadata!.uid))
          );
        },
        { timeoutMs: 2 * minute },
      );
      await sleep(3000); // a few polls after the roll
      upgradeWindow = { start, end: Date.now() };
      const polls = await stopPoller('poll-upgrade');
      results.upgradePolls = { ok: polls.ok, failed: polls.failed.length };
      expect(polls.failed).toEqual([]);
      expect(polls.first * 1000).toBeLessThanOrEqual(upgradeWindow.start);
      expect(polls.last * 1000).toBeGreaterThanOrEqual(upgradeWindow.end - 5000);
      expect(polls.ok).toBeGreaterThan(20);
      expect(await migrationRuns()).toBe(2);
      expect(await hookRuns('crds')).toBe(1);
      expect(await crdSpecFields()).toContain('policy');
    },
    10 * minute,
  );

  let crossingSessions: string[] = [];

  it.each([0, 5] as const)(
    'sign-ups and logins through kubectl port-forward cross tiers: each new kiada pod starts as a real container and becomes Ready (start-up delay %i s); status.ready follows',
    async (delay) => {
      if (delay > 0) {
        await kubectl(
          'set',
          'env',
          '-n',
          namespace,
          'deployment/kiada',
          `START_DELAY_SECONDS=${delay}`,
        );
        await kubectl('rollout', 'status', '-n', namespace, 'deployment/kiada', '--timeout=3m');
      }
      const forward = await PortForward.open(namespace, `svc/${API}`, 80);
      try {
        // the first active user (the watcher's session) keeps 2 replicas; each further one adds a pod
        const start = await deploymentReady('kiada');
        const { latencies, loggedIn } = await crossings(forward.url, CROSSINGS[delay]);
        crossingSessions.push(...loggedIn.map((u) => u.sessionCookie));
        const top = start + CROSSINGS[delay];
        await statusFollows(top);
        results[`crossingMs_delay${delay}`] = {
          samples: latencies,
          p50: percentile(latencies, 50),
          p99: percentile(latencies, 99),
        };
        // a start-up delay shows in the time to Ready: the readiness probe waits for the server
        if (delay > 0) expect(Math.min(...latencies)).toBeGreaterThanOrEqual(delay * 1000);
      } finally {
        forward.close();
      }
    },
    6 * minute,
  );

  it(
    'api and operator memory, from their cgroups',
    async () => {
      const memory: Record<string, unknown> = {};
      for (const component of ['api', 'operator']) {
        memory[component] = await Promise.all(
          (await readyPodNames(namespace, `${COMPONENT}=${component}`)).map((pod) =>
            containerMemoryMiB(namespace, pod),
          ),
        );
      }
      results.memoryMiB = memory;
      for (const value of Object.values(memory).flat() as Array<{ workingSet: number }>) {
        expect(value.workingSet).toBeGreaterThan(10);
      }
    },
    minute,
  );

  it(
    `logouts bring the kiada pods back down after the ${WINDOW_SECONDS} s window, and status.ready follows`,
    async () => {
      const forward = await PortForward.open(namespace, `svc/${API}`, 80);
      let loggedOut: number;
      try {
        for (const cookie of crossingSessions) await logOut(forward.url, cookie);
        loggedOut = Date.now();
      } finally {
        forward.close();
      }
      crossingSessions = [];
      const low = await statusFollows(2, 3 * minute);
      expect(low).toBe(2);
      // scale-down waited for the window (scale-up is immediate)
      expect(Date.now() - loggedOut!).toBeGreaterThanOrEqual(WINDOW_SECONDS * 1000);
    },
    5 * minute,
  );

  it(
    "deleting the operator leader's pod hands the Lease to the other pod, and scaling goes on",
    async () => {
      const lease = () =>
        kubectl('get', 'lease', OPERATOR, '-n', namespace, '-o', 'jsonpath={.spec.holderIdentity}');
      const leader = (await lease()).trim();
      const operators = await readyPodNames(namespace, `${COMPONENT}=operator`);
      expect(operators).toHaveLength(2);
      const leaderPod = operators.find((name) => leader.includes(name));
      expect(leaderPod).toBeDefined();
      await kubectl('delete', 'pod', leaderPod!, '-n', namespace, '--wait=false');
      const next = await waitFor(
        'another operator pod holding the Lease',
        async () => {
          const holder = (await lease()).trim();
          return holder && !holder.includes(leaderPod!) ? holder : undefined;
        },
        { timeoutMs: 2 * minute },
      );
      expect(operators.some((name) => next.includes(name) && name !== leaderPod)).toBe(true);
      const forward = await PortForward.open(namespace, `svc/${API}`, 80);
      try {
        const before = await deploymentReady('kiada');
        const { loggedIn } = await crossings(forward.url, 1);
        await statusFollows(before + 1);
        for (const user of loggedIn) await user.logOut();
      } finally {
        forward.close();
      }
    },
    5 * minute,
  );

  it(
    'deleting an api pod loses no session: the user stays logged in through the Service, and on the new pod',
    async () => {
      const [victim] = await readyPodNames(namespace, `${COMPONENT}=api`);
      await kubectl('delete', 'pod', victim, '-n', namespace, '--wait=true');
      const fresh = await waitFor(
        '2 api pods Ready again',
        async () => {
          const names = await readyPodNames(namespace, `${COMPONENT}=api`);
          return names.length === 2 && !names.includes(victim) ? names : undefined;
        },
        { timeoutMs: 2 * minute },
      );
      const service = await PortForward.open(namespace, `svc/${API}`, 80);
      try {
        expect(await me(service.url, watcher.sessionCookie)).toBe(200);
      } finally {
        service.close();
      }
      // each pod, the replacement among them, knows the session (it lives in the database)
      for (const pod of fresh) {
        const direct = await PortForward.open(namespace, `pod/${pod}`, 3000);
        try {
          expect({ pod, status: await me(direct.url, watcher.sessionCookie) }).toEqual({
            pod,
            status: 200,
          });
        } finally {
          direct.close();
        }
      }
    },
    4 * minute,
  );

  it(
    'helm uninstall leaves no pod behind; the CRD stays',
    async () => {
      await uninstall();
      expect(
        await kubectl('get', 'crd', 'kiadaservicecounts.hanyang.ac.kr', '-o', 'name'),
      ).toContain('kiadaservicecounts.hanyang.ac.kr');
    },
    4 * minute,
  );

  describe('with NetworkPolicies on (networkPolicy.enabled=true)', () => {
    const policyValues = () =>
      JSON.stringify({
        networkPolicy: {
          enabled: true,
          apiFrom: [{ podSelector: { matchLabels: { [CLIENT_LABEL]: 'true' } } }],
        },
      });

    it(
      'installs, passes helm test, and scales on a crossing; the API server egress is the kubernetes Service endpoint',
      async () => {
        results.installWithPolicies = await install([
          '-f',
          valuesFile('crossing', CROSSING_VALUES),
          '-f',
          valuesFile('policies', policyValues()),
        ]);
        expect(await readyPodNames(namespace, `${COMPONENT}=api`)).toHaveLength(2);
        expect(await readyPodNames(namespace, `${COMPONENT}=operator`)).toHaveLength(2);
        expect(await helmTest()).toMatch(/Phase:\s+Succeeded/);

        // the egress rule to the API server: the addresses and port of the kubernetes Service's endpoints
        const slice = JSON.parse(
          await kubectl('get', 'endpointslice', 'kubernetes', '-n', 'default', '-o', 'json'),
        ) as { endpoints: Array<{ addresses: string[] }>; ports: Array<{ port: number }> };
        const expected = {
          ports: slice.ports.map((p) => ({ port: p.port, protocol: 'TCP' })),
          to: slice.endpoints
            .flatMap((e) => e.addresses)
            .map((a) => ({ ipBlock: { cidr: `${a}/32` } })),
        };
        for (const name of [API, OPERATOR]) {
          const policy = JSON.parse(
            await kubectl('get', 'networkpolicy', name, '-n', namespace, '-o', 'json'),
          ) as V1NetworkPolicy;
          expect(policy.spec!.egress).toContainEqual(expected);
        }
        results.apiServerEgress = expected;

        const forward = await PortForward.open(namespace, `svc/${API}`, 80);
        try {
          // the first active user keeps 2 pods; the second crosses
          const first = new HttpUser(forward.url, newUser());
          await first.signUp();
          await first.logIn();
          await statusFollows(2);
          await crossings(forward.url, 1);
          await statusFollows(3);
        } finally {
          forward.close();
        }
      },
      10 * minute,
    );

    it(
      'a pod without the allowed labels reaches neither MySQL nor the api port; with the label it reaches the api',
      async () => {
        const probe = async (name: string, labels: Record<string, string>) => {
          await clientPod(
            name,
            // MySQL greets a client first; the api answers /healthz; kiada has no policy
            `echo "mysql:$(nc -w 3 ${RELEASE}-mysql 3306 </dev/null 2>/dev/null | head -c 64 | tr -dc 'a-zA-Z0-9.-' | head -c 20)"; ` +
              `if timeout 5 wget -q -O /dev/null http://${API}/healthz 2>/dev/null; then echo api:open; else echo api:closed; fi; ` +
              `if timeout 5 wget -q -O /dev/null http://kiada/ 2>/dev/null; then echo kiada:open; else echo kiada:closed; fi`,
            { labels },
          );
          await waitFor(
            `probe pod ${name} done`,
            async () => {
              const phase = await kubectl(
                'get',
                'pod',
                name,
                '-n',
                namespace,
                '-o',
                'jsonpath={.status.phase}',
              );
              return phase === 'Succeeded' || phase === 'Failed';
            },
            { timeoutMs: 2 * minute },
          );
          const log = (await kubectl('logs', '-n', namespace, name)).trim().split('\n');
          await kubectl('delete', 'pod', name, '-n', namespace, '--wait=false');
          return log;
        };
        const stranger = await probe('probe-stranger', {});
        const client = await probe('probe-client', { [CLIENT_LABEL]: 'true' });
        results.networkPolicy = { stranger, client };
        // the stranger's network works (kiada has no policy), but MySQL says nothing and the api port is closed
        expect(stranger).toEqual(['mysql:', 'api:closed', 'kiada:open']);
        // a pod with the label networkPolicy.apiFrom names reaches the api; MySQL stays closed to it
        expect(client).toEqual(['mysql:', 'api:open', 'kiada:open']);
        // the api itself reaches MySQL (its readiness checks the database) and the API server
        expect(await readyPodNames(namespace, `${COMPONENT}=api`)).toHaveLength(2);
      },
      5 * minute,
    );

    it(
      'helm uninstall leaves no pod behind',
      async () => {
        await uninstall();
      },
      4 * minute,
    );
  });
});
