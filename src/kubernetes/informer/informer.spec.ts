import { KubernetesApiError } from '../kubernetes-api.error.js';
import { InMemoryKubernetes } from '../testing/in-memory-kubernetes.js';
import { Informer, InformerRestartReason } from './informer.js';
import { InformerFactory } from './informer.factory.js';
import { FakeClock, flushPromises } from '../../common/testing/fake-clock.js';

const NS = 'default';

describe(Informer.name, () => {
  let kube: InMemoryKubernetes;
  let clock: FakeClock;
  let informer: Informer<'Deployment'>;
  let seen: string[];
  let restarts: InformerRestartReason[];

  const start = async (options: { resyncMs?: number; watchdogMs?: number; name?: string } = {}) => {
    informer = new InformerFactory(kube, clock).create(
      'Deployment',
      NS,
      {
        onAdd: (d) => seen.push(`add ${d.metadata.name}=${d.replicas}`),
        onUpdate: (d, previous) =>
          seen.push(
            d === previous
              ? `resync ${d.metadata.name}`
              : `update ${d.metadata.name}=${d.replicas}`,
          ),
        onDelete: (d) => seen.push(`delete ${d.metadata.name}`),
      },
      {
        resyncMs: options.resyncMs ?? 0,
        watchdogMs: options.watchdogMs ?? 0,
        backoff: { initialMs: 1000, maxMs: 8000 },
        name: options.name,
        onRestart: (reason) => restarts.push(reason),
      },
    );
    informer.start();
    await flushPromises();
  };
  const watchCalls = () => kube.callsOf('watch');

  beforeEach(() => {
    kube = new InMemoryKubernetes();
    clock = new FakeClock();
    seen = [];
    restarts = [];
  });

  afterEach(() => {
    informer.stop();
    expect(clock.pendingTimers).toBe(0);
    expect(kube.openWatches).toBe(0);
  });

  it('lists, then watches from the list resourceVersion and keeps a cache', async () => {
    kube.putDeployment(NS, 'kiada', 1);
    await start();
    const listed = kube.callsOf('list');
    expect(listed).toEqual([['Deployment', NS]]);
    expect(watchCalls()).toHaveLength(1);
    expect(informer.synced).toBe(true);

    kube.putDeployment(NS, 'kiada', 2);
    kube.putDeployment(NS, 'other', 1);
    kube.putDeployment('elsewhere', 'kiada', 5);
    await flushPromises(); // watch events arrive on a later turn, as from a server
    expect(seen).toEqual(['add kiada=1', 'update kiada=2', 'add other=1']);
    expect(
      informer
        .list()
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual(['kiada', 'other']);
    expect(informer.get(`${NS}/kiada`)?.replicas).toBe(2);
  });

  it('reopens the watch from the last resourceVersion with backoff after an error', async () => {
    kube.putDeployment(NS, 'kiada', 1);
    await start();
    kube.putDeployment(NS, 'kiada', 2);
    await flushPromises();
    const lastVersion = informer.get(`${NS}/kiada`)?.metadata.resourceVersion;

    kube.failNext('watch', 500);
    kube.breakWatches(new KubernetesApiError(500, 'connection reset'));
    await clock.advance(999);
    expect(watchCalls()).toHaveLength(1);
    await clock.advance(1); // first retry (1 s) fails with the injected 500
    expect(watchCalls()).toHaveLength(2);
    await clock.advance(1999);
    expect(watchCalls()).toHaveLength(2);
    await clock.advance(1); // second retry after 2 s succeeds
    expect(watchCalls()).toHaveLength(3);
    expect(watchCalls()[2][2]).toBe(lastVersion);
    expect(kube.callsOf('list')).toHaveLength(1);
    expect(restarts).toEqual(['error', 'error']);

    kube.putDeployment(NS, 'kiada', 3);
    await flushPromises();
    expect(seen.at(-1)).toBe('update kiada=3');
  });

  it('relists after 410 Gone and tells handlers what changed meanwhile', async () => {
    kube.putDeployment(NS, 'kiada', 1);
    kube.putDeployment(NS, 'old', 1);
    await start();
    seen = [];

    kube.breakWatches(new KubernetesApiError(410, 'too old resource version', 'Expired'));
    // What happened while the watch was gone:
    kube.putDeployment(NS, 'kiada', 4);
    await clock.advance(0);

    expect(restarts).toEqual(['gone']);
    expect(kube.callsOf('list')).toHaveLength(2);
    expect(watchCalls()).toHaveLength(2);
    expect(seen).toEqual(['update kiada=4', 'update old=1']);
    expect(informer.get(`${NS}/kiada`)?.replicas).toBe(4);
  });

  it('retries a failed list with backoff', async () => {
    kube.failNext('list', 0, 2);
    await start();
    expect(informer.synced).toBe(false);
    await clock.advance(1000);
    expect(kube.callsOf('list')).toHaveLength(2);
    await clock.advance(2000);
    expect(kube.callsOf('list')).toHaveLength(3);
    expect(informer.synced).toBe(true);
    expect(watchCalls()).toHaveLength(1);
  });

  it('reopens a watch that went silent', async () => {
    await start({ watchdogMs: 60_000 });
    await clock.advance(59_000);
    kube.putDeployment(NS, 'kiada', 1); // any event re-arms the watchdog
    await clock.advance(59_000);
    expect(watchCalls()).toHaveLength(1);
    await clock.advance(1_000);
    expect(watchCalls()).toHaveLength(2);
    expect(kube.openWatches).toBe(1);
    expect(restarts).toEqual(['watchdog']);
  });

  it('reopens a watch the server closed cleanly without backoff', async () => {
    await start();
    await clock.advance(300_000);
    kube.breakWatches();
    await clock.advance(0);
    expect(watchCalls()).toHaveLength(2);
    expect(restarts).toEqual(['closed']);
  });

  it('replays the cache to onUpdate on every resync', async () => {
    kube.putDeployment(NS, 'kiada', 1);
    await start({ resyncMs: 30_000 });
    await clock.advance(60_000);
    expect(seen).toEqual(['add kiada=1', 'resync kiada', 'resync kiada']);
  });

  it('stops watching and scheduling when stopped', async () => {
    await start({ resyncMs: 30_000, watchdogMs: 60_000 });
    informer.stop();
    kube.putDeployment(NS, 'kiada', 1);
    await clock.advance(120_000);
    expect(seen).toEqual([]);
  });

  it('lists and watches one object by name when asked to', async () => {
    kube.putDeployment(NS, 'kiada', 1);
    kube.putDeployment(NS, 'other', 1);
    await start({ name: 'kiada' });
    expect(kube.callsOf('list')).toEqual([['Deployment', NS, { name: 'kiada' }]]);
    kube.putDeployment(NS, 'other', 2);
    kube.putDeployment(NS, 'kiada', 2);
    await flushPromises();
    expect(seen).toEqual(['add kiada=1', 'update kiada=2']);
    expect(informer.list().map((d) => d.metadata.name)).toEqual(['kiada']);
  });

  it('read-after-write: an observed write is read at once, and its own watch event is no change', async () => {
    kube.autoReady = false;
    kube.putDeployment(NS, 'kiada', 1);
    await start();
    await kube.scaleDeployment(NS, 'kiada', 3);
    const written = kube.deployment(NS, 'kiada')!;
    informer.observe(written);
    expect(informer.get(`${NS}/kiada`)?.replicas).toBe(3);
    await flushPromises(); // the watch delivers the same resourceVersion
    expect(seen).toEqual(['add kiada=1']);
    // An older version never replaces a newer one; a newer one is a change as usual.
    informer.observe({
      ...written,
      replicas: 1,
      metadata: { ...written.metadata, resourceVersion: '1' },
    });
    expect(informer.get(`${NS}/kiada`)?.replicas).toBe(3);
    kube.putDeployment(NS, 'kiada', 3, 2);
    await flushPromises();
    expect(seen).toEqual(['add kiada=1', 'update kiada=3']);
  });
});
