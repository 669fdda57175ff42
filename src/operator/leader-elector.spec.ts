import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { InMemoryKubernetes } from '../kubernetes/testing/in-memory-kubernetes.js';
import { LeaderElector, NO_CLUSTER_REMINDER_MS } from './leader-elector.js';
import { FakeClock, flushPromises } from '../common/testing/fake-clock.js';

const LEASE = { namespace: 'kiada', name: 'kiada-autoscaler-operator' };
const TIMING = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

describe(LeaderElector.name, () => {
  let kube: InMemoryKubernetes;
  let clock: FakeClock;
  let electors: LeaderElector[];
  let log: string[];

  const candidate = (identity: string) => {
    const elector = new LeaderElector(
      kube,
      clock,
      { ...LEASE, ...TIMING, identity },
      {
        onStartedLeading: () => log.push(`${identity} leads`),
        onStoppedLeading: () => log.push(`${identity} stopped`),
      },
    );
    electors.push(elector);
    elector.start();
    return elector;
  };
  const lease = () => kube.getLease(LEASE.namespace, LEASE.name);

  beforeEach(() => {
    kube = new InMemoryKubernetes();
    clock = new FakeClock();
    electors = [];
    log = [];
  });

  afterEach(async () => {
    await Promise.all(electors.map((elector) => elector.stop(false)));
    expect(clock.pendingTimers).toBe(0);
  });

  it('creates the Lease, leads, and renews it every retry period', async () => {
    const a = candidate('a');
    await flushPromises();
    expect(a.isLeader).toBe(true);
    expect(log).toEqual(['a leads']);
    await expect(lease()).resolves.toMatchObject({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
    });

    await clock.advance(2_000);
    const renewed = await lease();
    expect(renewed?.renewTime).toBe(new Date(clock.now()).toISOString());
    expect(kube.callsOf('replaceLease')).toHaveLength(1);
    expect(log).toEqual(['a leads']);
  });

  it('lets only one of two candidates lead', async () => {
    const a = candidate('a');
    await flushPromises();
    const b = candidate('b');
    await clock.advance(30_000);
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);
    expect(log).toEqual(['a leads']);
  });

  it('hands over at once when the leader stops and releases the Lease', async () => {
    const a = candidate('a');
    await flushPromises();
    const b = candidate('b');
    await clock.advance(4_000);

    await a.stop();
    expect(log).toEqual(['a leads', 'a stopped']);
    await clock.advance(2_000);
    expect(b.isLeader).toBe(true);
    expect(log).toEqual(['a leads', 'a stopped', 'b leads']);
    await expect(lease()).resolves.toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('takes over from a crashed leader only after the lease duration', async () => {
    const a = candidate('a');
    await flushPromises();
    const b = candidate('b');
    await clock.advance(1_000);
    await a.stop(false); // crash: no release

    await clock.advance(12_000);
    expect(b.isLeader).toBe(false);
    await clock.advance(4_000);
    expect(b.isLeader).toBe(true);
    await expect(lease()).resolves.toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('steps down when it cannot renew within the renew deadline, and campaigns again', async () => {
    const a = candidate('a');
    await flushPromises();
    kube.failNext('getLease', 0, 5);
    await clock.advance(9_000);
    expect(a.isLeader).toBe(true);
    await clock.advance(1_000);
    expect(a.isLeader).toBe(false);
    expect(log).toEqual(['a leads', 'a stopped']);
    await clock.advance(2_000);
    expect(log).toEqual(['a leads', 'a stopped', 'a leads']);
  });

  it('says that no cluster is configured every 5 minutes, not every attempt', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const retries = (10 * 60_000) / TIMING.retryPeriodMs + 1;
      kube.failNext('getLease', 0, retries + 1, 'NotConfigured');
      const a = candidate('a');
      await flushPromises();
      await clock.advance(10 * 60_000); // 301 failed attempts
      const said = warn.mock.calls.filter(([message]) =>
        String(message).startsWith('injected 0 on getLease'),
      );
      expect(said).toHaveLength((10 * 60_000) / NO_CLUSTER_REMINDER_MS); // at 5 and 10 min (start-up said it)
      expect(a.isLeader).toBe(false);
    } finally {
      warn.mockRestore();
    }
  });

  it('steps down at once when another process holds the Lease', async () => {
    const a = candidate('a');
    await flushPromises();
    const current = (await lease())!;
    await kube.replaceLease({ ...current, holderIdentity: 'intruder' });
    await clock.advance(2_000);
    expect(a.isLeader).toBe(false);
    expect(log).toEqual(['a leads', 'a stopped']);
  });
});
