import { Test } from '@nestjs/testing';
import { ClockModule } from '../common/clock.module.js';
import { AppConfigModule, loadConfig } from '../config/index.js';
import { InMemoryKubernetes } from '../kubernetes/testing/in-memory-kubernetes.js';
import { overrideKubernetes } from '../kubernetes/testing/kubernetes-testing.js';
import { Clock } from '../common/clock.js';
import { OperatorModule } from './operator.module.js';
import { OperatorService } from './operator.service.js';
import { FakeClock, flushPromises } from '../common/testing/fake-clock.js';
import { FastifyAdapter } from '@nestjs/platform-fastify';

describe(OperatorModule.name, () => {
  it('starts on bootstrap with the fake gateway and stops on shutdown', async () => {
    const kube = new InMemoryKubernetes();
    const clock = new FakeClock();
    kube.putDeployment('default', 'kiada', 1);
    kube.putServiceCount({
      metadata: { name: 'hanyang-kiada-autoscaler', namespace: 'default' },
      spec: { owner: 'hanyang-university-graduation-37-team', kiadaServiceCount: 2 },
    });
    const moduleRef = await overrideKubernetes(
      Test.createTestingModule({
        imports: [
          AppConfigModule.forRoot(
            loadConfig({ OPERATOR_NAMESPACE: 'default', POD_NAME: 'operator-0' }),
          ),
          ClockModule,
          OperatorModule,
        ],
      }),
      kube,
    )
      .overrideProvider(Clock)
      .useValue(clock)
      .compile();
    const app = moduleRef.createNestApplication(new FastifyAdapter());
    app.enableShutdownHooks();
    await app.init();
    await flushPromises();

    expect(app.get(OperatorService).isLeader).toBe(true);
    expect(kube.deployment('default', 'kiada')?.replicas).toBe(2);
    await expect(kube.getLease('default', 'kiada-autoscaler-operator')).resolves.toMatchObject({
      holderIdentity: 'operator-0',
    });

    await app.close();
    expect(kube.openWatches).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    await expect(kube.getLease('default', 'kiada-autoscaler-operator')).resolves.not.toHaveProperty(
      'holderIdentity',
      'operator-0',
    );
  });
});
