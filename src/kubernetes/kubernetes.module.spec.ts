import { Test } from '@nestjs/testing';
import { AppConfigModule, loadConfig } from '../config/index.js';
import { ClientNodeKubernetesGateway } from './client-node.kubernetes.gateway.js';
import { KubernetesGateway } from './kubernetes.gateway.js';
import { KubernetesModule } from './kubernetes.module.js';

describe(KubernetesModule.name, () => {
  it('starts without a cluster; calls then fail with status 0', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        AppConfigModule.forRoot(loadConfig({ KUBECONFIG: '/nonexistent/kubeconfig' })),
        KubernetesModule,
      ],
    }).compile();
    const gateway = moduleRef.get(KubernetesGateway);
    expect(gateway).toBeInstanceOf(ClientNodeKubernetesGateway);
    await expect(gateway.getDeployment('default', 'kiada')).rejects.toMatchObject({
      statusCode: 0,
    });
    await moduleRef.close();
  });
});
