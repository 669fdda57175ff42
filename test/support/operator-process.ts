import { startApp, type AppProcess } from './app-process.js';
import { OPERATOR_LEASE_NAME, OPERATOR_SERVICE_ACCOUNT } from './rbac.js';
import { serviceAccountKubeconfig } from './service-account.js';

/**
 * The operator as a user runs it out of cluster, watching `namespace` with the chart's
 * ServiceAccount (install the chart's RBAC there first) and short lease timings so that
 * hand-overs happen within a test.
 */
export async function startOperator(
  namespace: string,
  extraEnv: Record<string, string> = {},
): Promise<AppProcess> {
  return startApp('operator', {
    KUBECONFIG: await serviceAccountKubeconfig(namespace, OPERATOR_SERVICE_ACCOUNT),
    OPERATOR_NAMESPACE: namespace,
    OPERATOR_LEASE_NAMESPACE: namespace,
    OPERATOR_LEASE_NAME,
    OPERATOR_LEASE_DURATION_SECONDS: '4',
    OPERATOR_RENEW_DEADLINE_SECONDS: '3',
    OPERATOR_RETRY_PERIOD_SECONDS: '1',
    ...extraEnv,
  });
}
