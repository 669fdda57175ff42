import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeClients } from './kubernetes.js';

/**
 * A kubeconfig file that authenticates as `system:serviceaccount:<namespace>:<name>` with
 * a short-lived token from the TokenRequest API: the app then runs with exactly the
 * permissions the chart's RBAC grants that ServiceAccount.
 */
export async function serviceAccountKubeconfig(namespace: string, name: string): Promise<string> {
  const { kc, core } = kubeClients();
  const token = await core.createNamespacedServiceAccountToken({
    name,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const cluster = kc.getCurrentCluster()!;
  const file = join(mkdtempSync(join(tmpdir(), 'kiada-sa-')), 'kubeconfig');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'e2e',
        cluster: {
          server: cluster.server,
          ...(cluster.caData ? { 'certificate-authority-data': cluster.caData } : {}),
          ...(cluster.caFile ? { 'certificate-authority': cluster.caFile } : {}),
          ...(cluster.skipTLSVerify ? { 'insecure-skip-tls-verify': true } : {}),
        },
      },
    ],
    users: [{ name, user: { token: token.status!.token } }],
    contexts: [{ name: 'e2e', context: { cluster: 'e2e', user: name, namespace } }],
    'current-context': 'e2e',
  };
  writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
  return file;
}
