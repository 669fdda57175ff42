import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createNamespace, deleteNamespace } from '../support/namespaces.js';
import {
  API_SERVICE_ACCOUNT,
  installChartRbac,
  OPERATOR_LEASE_NAME,
  OPERATOR_SERVICE_ACCOUNT,
} from '../support/rbac.js';

const run = promisify(execFile);

/**
 * The chart's RBAC is enough (the other suites run the processes with these
 * ServiceAccounts) and no wider: `kubectl auth can-i` for what each must not do.
 */
describe("the chart's RBAC grants least privilege", () => {
  let namespace: string;
  let otherNamespace: string;

  beforeAll(async () => {
    namespace = await createNamespace('ksc-rbac');
    otherNamespace = await createNamespace('ksc-rbac-other');
    await installChartRbac(namespace);
  });

  afterAll(async () => {
    await deleteNamespace(namespace);
    await deleteNamespace(otherNamespace);
  });

  /** `resource` may name a subresource after `:` (`deployments.apps:scale`), or an object after `/`. */
  async function canI(
    serviceAccount: string,
    verb: string,
    resource: string,
    inNamespace = namespace,
  ): Promise<boolean> {
    const [target, subresource] = resource.split(':');
    const args = [
      'auth',
      'can-i',
      verb,
      target,
      '--namespace',
      inNamespace,
      `--as=system:serviceaccount:${namespace}:${serviceAccount}`,
    ];
    if (subresource) args.push(`--subresource=${subresource}`);
    try {
      const { stdout } = await run('kubectl', args, { env: process.env });
      return stdout.trim() === 'yes';
    } catch (error) {
      const stdout = String((error as { stdout?: string }).stdout ?? '').trim();
      if (stdout === 'no') return false;
      throw error;
    }
  }

  const operatorMay: Array<[string, string]> = [
    ['get', 'kiadaservicecounts.hanyang.ac.kr'],
    ['list', 'kiadaservicecounts.hanyang.ac.kr'],
    ['watch', 'kiadaservicecounts.hanyang.ac.kr'],
    ['patch', 'kiadaservicecounts.hanyang.ac.kr:status'],
    ['get', 'deployments.apps'],
    ['watch', 'deployments.apps'],
    ['patch', 'deployments.apps:scale'],
    ['list', 'horizontalpodautoscalers.autoscaling'],
    ['watch', 'horizontalpodautoscalers.autoscaling'],
    ['create', 'events'],
    ['create', 'leases.coordination.k8s.io'],
    ['update', `leases.coordination.k8s.io/${OPERATOR_LEASE_NAME}`],
  ];
  const operatorMayNot: Array<[string, string]> = [
    ['patch', 'kiadaservicecounts.hanyang.ac.kr'],
    ['delete', 'kiadaservicecounts.hanyang.ac.kr'],
    ['create', 'deployments.apps'],
    ['patch', 'deployments.apps'],
    ['delete', 'deployments.apps'],
    ['get', 'secrets'],
    ['create', 'pods'],
    ['update', 'leases.coordination.k8s.io/someone-elses-lease'],
    ['create', 'horizontalpodautoscalers.autoscaling'],
    ['patch', 'horizontalpodautoscalers.autoscaling'],
  ];
  const apiMay: Array<[string, string]> = [
    ['get', 'kiadaservicecounts.hanyang.ac.kr/hanyang-kiada-autoscaler'],
    ['patch', 'kiadaservicecounts.hanyang.ac.kr/hanyang-kiada-autoscaler'],
    ['list', 'kiadaservicecounts.hanyang.ac.kr/hanyang-kiada-autoscaler'],
    ['watch', 'kiadaservicecounts.hanyang.ac.kr/hanyang-kiada-autoscaler'],
    ['create', 'kiadaservicecounts.hanyang.ac.kr'],
    ['create', 'events'],
  ];
  const apiMayNot: Array<[string, string]> = [
    ['patch', 'kiadaservicecounts.hanyang.ac.kr/another-resource'],
    ['list', 'kiadaservicecounts.hanyang.ac.kr'],
    ['watch', 'kiadaservicecounts.hanyang.ac.kr/another-resource'],
    ['delete', 'kiadaservicecounts.hanyang.ac.kr/hanyang-kiada-autoscaler'],
    ['delete', 'events'],
    ['list', 'horizontalpodautoscalers.autoscaling'],
    ['patch', 'kiadaservicecounts.hanyang.ac.kr:status'],
    ['patch', 'deployments.apps:scale'],
    ['get', 'deployments.apps'],
    ['get', 'secrets'],
  ];

  it.each(operatorMay)('operator may %s %s', async (verb, resource) => {
    await expect(canI(OPERATOR_SERVICE_ACCOUNT, verb, resource)).resolves.toBe(true);
  });

  it.each(operatorMayNot)('operator may not %s %s', async (verb, resource) => {
    await expect(canI(OPERATOR_SERVICE_ACCOUNT, verb, resource)).resolves.toBe(false);
  });

  it.each(apiMay)('api may %s %s', async (verb, resource) => {
    await expect(canI(API_SERVICE_ACCOUNT, verb, resource)).resolves.toBe(true);
  });

  it.each(apiMayNot)('api may not %s %s', async (verb, resource) => {
    await expect(canI(API_SERVICE_ACCOUNT, verb, resource)).resolves.toBe(false);
  });

  it('grants neither ServiceAccount anything in another namespace', async () => {
    await expect(
      canI(OPERATOR_SERVICE_ACCOUNT, 'patch', 'deployments.apps:scale', otherNamespace),
    ).resolves.toBe(false);
    await expect(
      canI(OPERATOR_SERVICE_ACCOUNT, 'list', 'kiadaservicecounts.hanyang.ac.kr', otherNamespace),
    ).resolves.toBe(false);
    await expect(
      canI(API_SERVICE_ACCOUNT, 'create', 'kiadaservicecounts.hanyang.ac.kr', otherNamespace),
    ).resolves.toBe(false);
  });
});
