import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { ClientNodeKubernetes } from './client-node/client-node-kubernetes.js';
import { isClusterConfigured, loadKubeConfig, NO_CLUSTER_MESSAGE } from './kube-config.js';

describe('a first run without a cluster', () => {
  const home = mkdtempSync(join(tmpdir(), 'kiada-home-'));
  const sources = { homeDir: home, serviceAccountToken: join(home, 'no-token') };

  const homes = [home];
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => {
    Logger.overrideLogger(['log', 'error', 'warn']);
    for (const dir of homes) rmSync(dir, { recursive: true, force: true });
  });

  it('knows when nothing is configured: no KUBECONFIG, no ~/.kube/config, not in a pod', () => {
    expect(isClusterConfigured(undefined, sources)).toBe(false);
    expect(isClusterConfigured('/some/kubeconfig', sources)).toBe(true);
    mkdirSync(join(home, '.kube'), { recursive: true });
    writeFileSync(join(home, '.kube', 'config'), '');
    expect(isClusterConfigured(undefined, sources)).toBe(true);
  });

  it('says what is going on and how to fix it, in the error every Kubernetes call gets', async () => {
    const other = mkdtempSync(join(tmpdir(), 'kiada-home-'));
    homes.push(other);
    const kubernetes = new ClientNodeKubernetes(
      loadKubeConfig(undefined, { homeDir: other, serviceAccountToken: join(other, 'no-token') }),
    );
    await expect(kubernetes.getDeployment('default', 'kiada')).rejects.toMatchObject({
      statusCode: 0,
      notConfigured: true,
      message: NO_CLUSTER_MESSAGE,
    });
    expect(NO_CLUSTER_MESSAGE).toContain('scaling is idle, auth works');
    expect(NO_CLUSTER_MESSAGE).toContain('KUBECONFIG=/path/to/kubeconfig');
  });
});
