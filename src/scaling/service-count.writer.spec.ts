import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { loadConfig, type AppConfig } from '../config/index.js';
import { InMemoryKubernetes } from '../kubernetes/testing/in-memory-kubernetes.js';
import { FakeClock, flushPromises } from '../common/testing/fake-clock.js';
import { ScalingMetrics } from './scaling.metrics.js';
import { ServiceCountWriter } from './service-count.writer.js';

const NS = 'apps';
const NAME = 'hanyang-kiada-autoscaler';

describe('ServiceCountWriter', () => {
  let clock: FakeClock;
  let gateway: InMemoryKubernetes;
  let metrics: ScalingMetrics;

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

  beforeEach(() => {
    clock = new FakeClock();
    gateway = new InMemoryKubernetes();
    metrics = new ScalingMetrics();
  });

  function writer(env: Record<string, string> = {}): ServiceCountWriter {
    const config = new ConfigService<AppConfig, true>(
      loadConfig({
        SCALING_NAMESPACE: NS,
        SCALING_RESOURCE_NAME: NAME,
        SCALING_RESOURCE_OWNER: 'team-37',
        ...env,
      }),
    );
    return new ServiceCountWriter(gateway, config, clock, metrics);
  }

  function putResource(replicas: number): void {
    gateway.putServiceCount({
      metadata: { name: NAME, namespace: NS },
      spec: { owner: 'team-37', kiadaServiceCount: replicas },
    });
  }

  const patches = () => gateway.callsOf('patchServiceCountSpec').map(([, , spec]) => spec);
  const stored = () => gateway.serviceCount(NS, NAME)?.spec.kiadaServiceCount;

  it('skips a value the resource already holds, and patches a change without reading again', async () => {
    putResource(3);
    const subject = writer();
    subject.desire(3);
    await clock.advance(0);
    expect(gateway.callsOf('getServiceCount')).toHaveLength(1);
    expect(patches()).toEqual([]);

    subject.desire(3);
    await clock.advance(0);
    expect(gateway.calls).toHaveLength(1);

    subject.desire(4);
    await clock.advance(0);
    expect(gateway.callsOf('getServiceCount')).toHaveLength(1);
    expect(patches()).toEqual([{ kiadaServiceCount: 4 }]);
    expect(stored()).toBe(4);
    expect(subject.state).toMatchObject({
      lastWrittenReplicas: 4,
      lastWriteAt: new Date(clock.now()).toISOString(),
      observedReplicas: 4,
      lastError: null,
    });
  });

  it('creates the resource when it is missing', async () => {
    const subject = writer({ SCALING_TARGET_NAME: 'web' });
    subject.desire(2);
    await clock.advance(0);
    expect(gateway.callsOf('createServiceCount')).toEqual([
      [
        expect.objectContaining({
          apiVersion: 'hanyang.ac.kr/v1',
          kind: 'KiadaServiceCount',
          metadata: expect.objectContaining({ name: NAME, namespace: NS }),
          spec: { owner: 'team-37', kiadaServiceCount: 2, targetRef: { name: 'web' } },
        }),
      ],
    ]);
    expect(stored()).toBe(2);
    expect(subject.state.lastWrittenReplicas).toBe(2);
  });

  it('does not create the resource when creation is off, and retries until it appears', async () => {
    const subject = writer({ SCALING_CREATE_RESOURCE: 'false' });
    subject.desire(3);
    await clock.advance(0);
    expect(gateway.callsOf('createServiceCount')).toEqual([]);
    expect(subject.state.lastError).toMatchObject({ statusCode: 404, failedAttempts: 1 });

    putResource(2);
    await clock.advance(200);
    expect(patches()).toEqual([{ kiadaServiceCount: 3 }]);
    expect(subject.state.lastError).toBeNull();
  });

  it('retries a 409 conflict after reading the resource again', async () => {
    putResource(2);
    const subject = writer();
    subject.desire(2);
    await clock.advance(0);
    gateway.failNext('patchServiceCountSpec', 409);
    const errorsBefore =
      (await metrics.writeErrors.get()).values.find((v) => v.labels.code === '409')?.value ?? 0;

    subject.desire(3);
    await clock.advance(0);
    expect(stored()).toBe(2);
    expect(subject.state.lastError).toMatchObject({ statusCode: 409, failedAttempts: 1 });
    const errorsAfter = (await metrics.writeErrors.get()).values.find(
      (v) => v.labels.code === '409',
    )?.value;
    expect(errorsAfter).toBe(errorsBefore + 1);

    await clock.advance(199);
    expect(patches()).toHaveLength(1);
    await clock.advance(1);
    expect(gateway.callsOf('getServiceCount')).toHaveLength(2);
    expect(patches()).toEqual([{ kiadaServiceCount: 3 }, { kiadaServiceCount: 3 }]);
    expect(stored()).toBe(3);
    expect(subject.state.lastError).toBeNull();
  });

  it('survives an API outage with capped backoff and writes only the latest value when it recovers', async () => {
    putResource(2);
    const subject = writer();
    gateway.failNext('getServiceCount', 0, 12);

    subject.desire(3);
    expect(subject.state.lastError).toBeNull(); // desire() returned before any call failed
    await clock.advance(0);
    expect(subject.state.lastError).toMatchObject({ statusCode: 0, failedAttempts: 1 });

    // Attempts at +200, +400, +800 ... ms, never more than 30 s apart.
    const attemptTimes: number[] = [];
    const start = clock.now();
    for (let i = 0; i < 11; i++) {
      const before = gateway.callsOf('getServiceCount').length;
      for (let waited = 0; gateway.callsOf('getServiceCount').length === before; waited += 100) {
        expect(waited).toBeLessThanOrEqual(30_000);
        await clock.advance(100);
      }
      attemptTimes.push(clock.now() - start);
      if (i === 3) subject.desire(5);
      if (i === 6) subject.desire(4); // supersedes 5, still waiting for the API
    }
    expect(attemptTimes.slice(0, 4)).toEqual([200, 600, 1400, 3000]);
    expect(attemptTimes[10] - attemptTimes[9]).toBe(30_000);
    expect(subject.state.lastError).toMatchObject({ statusCode: 0, failedAttempts: 12 });
    expect(patches()).toEqual([]);

    await clock.advance(30_000);
    expect(patches()).toEqual([{ kiadaServiceCount: 4 }]);
    expect(stored()).toBe(4);
    expect(subject.state).toMatchObject({ lastWrittenReplicas: 4, lastError: null });
    await clock.advance(60_000);
    expect(patches()).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('never throws to the caller, even when every call fails', async () => {
    const subject = writer();
    gateway.failNext('getServiceCount', 500, 3);
    expect(() => subject.desire(3)).not.toThrow();
    await clock.advance(10_000);
    expect(stored()).toBe(3);
  });

  it('writes the newest value after a write that was in flight when it changed', async () => {
    putResource(2);
    const subject = writer();
    subject.desire(3);
    subject.desire(4);
    subject.desire(5);
    await subject.idle;
    await flushPromises();
    expect(patches()).toEqual([{ kiadaServiceCount: 3 }, { kiadaServiceCount: 5 }]);
    expect(stored()).toBe(5);
  });

  it('re-reads when asked to and corrects a value changed behind its back', async () => {
    putResource(2);
    const subject = writer();
    subject.desire(3);
    await clock.advance(0);
    putResource(7); // someone edited the resource
    subject.desire(3);
    await clock.advance(0);
    expect(stored()).toBe(7);

    subject.desire(3, { reread: true });
    await clock.advance(0);
    expect(stored()).toBe(3);
    expect(patches()).toEqual([{ kiadaServiceCount: 3 }, { kiadaServiceCount: 3 }]);
  });

  it('reads again and patches after the resource was deleted (404 on patch)', async () => {
    putResource(2);
    const subject = writer();
    subject.desire(3);
    await clock.advance(0);
    gateway.deleteServiceCount(NS, NAME);
    subject.desire(4);
    await clock.advance(0);
    expect(subject.state.lastError).toMatchObject({ statusCode: 404 });
    await clock.advance(200);
    expect(gateway.callsOf('createServiceCount')).toHaveLength(1);
    expect(stored()).toBe(4);
  });

  it('stops retrying once stopped', async () => {
    const subject = writer();
    gateway.failNext('getServiceCount', 0, 100);
    subject.desire(3);
    await clock.advance(0);
    subject.stop();
    await clock.advance(60_000);
    expect(gateway.callsOf('getServiceCount')).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });
});
