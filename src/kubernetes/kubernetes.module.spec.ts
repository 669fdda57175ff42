import { Test } from '@nestjs/testing';
import { ClockModule } from '../common/clock.module.js';
import { AppConfigModule, loadConfig } from '../config/index.js';
import { ClientNodeKubernetes } from './client-node/client-node-kubernetes.js';
import { KubernetesModule, KUBERNETES_PORTS } from './kubernetes.module.js';
import { DeploymentApi } from './ports/deployment.api.js';

describe(KubernetesModule.name, () => {
  it('starts without a cluster; calls then fail with status 0', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        AppConfigModule.forRoot(loadConfig({ KUBECONFIG: '/nonexistent/kubeconfig' })),
        ClockModule,
        KubernetesModule,
      ],
    }).compile();
    const deployments = moduleRef.get(DeploymentApi);
    expect(deployments).toBeInstanceOf(ClientNodeKubernetes);
    await expect(deployments.getDeployment('default', 'kiada')).rejects.toMatchObject({
      statusCode: 0,
    });
    // Every port is the same adapter: one set of HTTP clients per process.
    for (const port of KUBERNETES_PORTS) expect(moduleRef.get(port)).toBe(deployments);
    await moduleRef.close();
  });
});
