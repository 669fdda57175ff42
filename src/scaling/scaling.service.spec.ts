import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AuthEvents } from '../sessions/auth-events.js';
import { loadConfig, type AppConfig } from '../config/index.js';
import { InMemoryKubernetes } from '../kubernetes/testing/in-memory-kubernetes.js';
import { FakeClock } from '../common/testing/fake-clock.js';
import { ActiveUsers } from './active-users.service.js';
import { ScalingController } from './scaling.controller.js';
import { ScalingMetrics } from './scaling.metrics.js';
import { ScalingService, SEED_TIMEOUT_MS } from './scaling.service.js';
import { ServiceCountWriter } from './service-count.writer.js';
import { FakeActiveUserCountSource } from '../sessions/testing/fake-active-user-count.source.js';

describe('ScalingService', () => {
  let clock: FakeClock;
  let source: FakeActiveUserCountSource;
  let events: AuthEvents;
  let gateway: InMemoryKubernetes;
  let registry: SchedulerRegistry;
  let activeUsers: ActiveUsers;
  let service: ScalingService;

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

  beforeEach(() => {
    clock = new FakeClock();
    source = new FakeActiveUserCountSource();
    events = new AuthEvents();
    gateway = new InMemoryKubernetes();
    registry = new SchedulerRegistry();
    const config = new ConfigService<AppConfig, true>(
      loadConfig({ SCALING_STABILIZATION_SECONDS: '300', SCALING_COALESCE_MS: '50' }),
    );
    const metrics = new ScalingMetrics();
    activeUsers = new ActiveUsers(source, events, config, clock, registry, metrics);
    const writer = new ServiceCountWriter(gateway, config, clock, metrics);
    service = new ScalingService(activeUsers, writer, gateway, config, clock, metrics);
  });

  afterEach(() => service.onModuleDestroy());

  const patches = () => gateway.callsOf('patchServiceCountSpec').map(([, , spec]) => spec);
  const stored = () =>
    gateway.serviceCount('default', 'hanyang-kiada-autoscaler')?.spec.kiadaServiceCount;
  const login = () => events.emit({ type: 'login', userId: 1 });

  it('counts at start and creates the missing resource with the policy value', async () => {
    source.count = 500;
    await service.onApplicationBootstrap();
    await clock.advance(0);
    expect(source.calls).toEqual(['recount']);
    expect(stored()).toBe(2);
    expect(service.state).toMatchObject({
      activeUsers: 500,
      desiredReplicas: 2,
      resource: {
        namespace: 'default',
        name: 'hanyang-kiada-autoscaler',
        lastWrittenReplicas: 2,
        lastError: null,
      },
    });
  });

  it('scales up at once on crossing a tier and down only after the stabilization window', async () => {
    source.count = 999;
    await service.onApplicationBootstrap();
    await clock.advance(0);

    source.count = 1000;
    login();
    await clock.advance(50);
    expect(patches()).toEqual([{ kiadaServiceCount: 3 }]);

    source.count = 999;
    login();
    await clock.advance(50);
    expect(service.state).toMatchObject({
      activeUsers: 999,
      recommendedReplicas: 2,
      desiredReplicas: 3,
    });

    await clock.advance(300_000 - 1);
    expect(patches()).toEqual([{ kiadaServiceCount: 3 }]);
    await clock.advance(1);
    expect(patches()).toEqual([{ kiadaServiceCount: 3 }, { kiadaServiceCount: 2 }]);
    expect(service.state.desiredReplicas).toBe(2);
  });

  it('holds the value the resource had at start-up for a full window before scaling down', async () => {
    gateway.putServiceCount({
      metadata: { name: 'hanyang-kiada-autoscaler', namespace: 'default' },
      spec: { owner: 'x', kiadaServiceCount: 3 },
    });
    source.count = 500;
    await service.onApplicationBootstrap();
    await clock.advance(0);
    expect(service.state).toMatchObject({ recommendedReplicas: 2, desiredReplicas: 3 });
    expect(patches()).toEqual([]);
    await clock.advance(300_000);
    expect(patches()).toEqual([{ kiadaServiceCount: 2 }]);
  });

  it('starts after at most SEED_TIMEOUT_MS when the API does not answer', async () => {
    const getServiceCount = gateway.getServiceCount.bind(gateway);
    let calls = 0;
    gateway.getServiceCount = (namespace, name) =>
      ++calls === 1 ? new Promise(() => undefined) : getServiceCount(namespace, name);
    source.count = 500;
    const started = service.onApplicationBootstrap();
    await clock.advance(SEED_TIMEOUT_MS - 1);
    expect(source.calls).toEqual([]);
    await clock.advance(1);
    await started;
    await clock.advance(0);
    expect(source.calls).toEqual(['recount']);
    expect(stored()).toBe(2);
  });

  it('starts at once when reading the resource fails', async () => {
    gateway.failNext('getServiceCount', 503);
    source.count = 500;
    await service.onApplicationBootstrap();
    await clock.advance(200);
    expect(stored()).toBe(2);
  });

  it('keeps the higher value when users come back within the window', async () => {
    source.count = 1500;
    await service.onApplicationBootstrap();
    await clock.advance(0);
    source.count = 900;
    login();
    await clock.advance(200_000);
    source.count = 1100;
    login();
    await clock.advance(400_000);
    expect(gateway.callsOf('createServiceCount')).toHaveLength(1);
    expect(patches()).toEqual([]);
    expect(stored()).toBe(3);
  });

  it('re-reads the resource on resync and corrects a value changed by hand', async () => {
    source.count = 500;
    await service.onApplicationBootstrap();
    await clock.advance(0);
    gateway.putServiceCount({
      metadata: { name: 'hanyang-kiada-autoscaler', namespace: 'default' },
      spec: { owner: 'x', kiadaServiceCount: 9 },
    });
    activeUsers.resync();
    await clock.advance(0);
    expect(stored()).toBe(2);
  });

  it('serves its state through the controller', async () => {
    source.count = 12;
    await service.onApplicationBootstrap();
    await clock.advance(0);
    expect(new ScalingController(service).status()).toEqual({
      activeUsers: 12,
      recommendedReplicas: 2,
      desiredReplicas: 2,
      policy: {
        tiers: [
          { belowUsers: 1000, replicas: 2 },
          { belowUsers: 10000, replicas: 3 },
        ],
        stepUsers: 20000,
        minReplicas: 2,
        maxReplicas: 100,
        stabilizationSeconds: 300,
      },
      resource: {
        namespace: 'default',
        name: 'hanyang-kiada-autoscaler',
        lastWrittenReplicas: 2,
        lastWriteAt: new Date(clock.now()).toISOString(),
        observedReplicas: 2,
        lastError: null,
      },
    });
  });

  it('stops counting, writing and re-evaluating on shutdown', async () => {
    source.count = 1000;
    await service.onApplicationBootstrap();
    await clock.advance(0);
    source.count = 0;
    login();
    await clock.advance(50);
    await service.onModuleDestroy();
    expect(clock.pendingTimers).toBe(0);
    login();
    await clock.advance(600_000);
    expect(patches()).toEqual([]);
  });
});
