import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { kubectl } from './kubernetes.js';

const run = promisify(execFile);

export const CHART = 'helm/kiada-autoscaler';
export const RELEASE = 'e2e';

/** ServiceAccount names the chart gives a release named RELEASE. */
export const API_SERVICE_ACCOUNT = `${RELEASE}-kiada-autoscaler-api`;
export const OPERATOR_SERVICE_ACCOUNT = `${RELEASE}-kiada-autoscaler-operator`;
/** The chart lets the operator update only this Lease (RBAC resourceNames). */
export const OPERATOR_LEASE_NAME = `${RELEASE}-kiada-autoscaler-operator`;

const RBAC_TEMPLATES = [
  'templates/api-serviceaccount.yaml',
  'templates/api-rbac.yaml',
  'templates/operator-serviceaccount.yaml',
  'templates/operator-rbac.yaml',
];

/**
 * Applies exactly the ServiceAccounts, Roles and RoleBindings the Helm chart renders for a
 * release in `namespace`, so the app processes run with the chart's permissions and no more.
 */
export async function installChartRbac(
  namespace: string,
  values: Record<string, string> = {},
): Promise<void> {
  const args = ['template', RELEASE, CHART, '--namespace', namespace];
  for (const template of RBAC_TEMPLATES) args.push('--show-only', template);
  const allValues = { 'serviceCount.name': 'hanyang-kiada-autoscaler', ...values };
  for (const [key, value] of Object.entries(allValues)) {
    args.push('--set-string', `${key}=${value}`);
  }
  const { stdout } = await run('helm', args, { env: process.env, maxBuffer: 4 * 1024 * 1024 });
  const file = join(tmpdir(), `kiada-e2e-rbac-${namespace}.yaml`);
  writeFileSync(file, stdout);
  await kubectl('apply', '--namespace', namespace, '-f', file);
}
