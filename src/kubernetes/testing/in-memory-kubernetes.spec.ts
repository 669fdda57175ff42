import { flushPromises } from '../../common/testing/fake-clock.js';
import { InMemoryKubernetes } from './in-memory-kubernetes.js';
import { WRITE_LOOP_LIMIT } from './recording-fake.js';

const NS = 'apps';
const NAME = 'r';

describe(InMemoryKubernetes.name, () => {
  let kube: InMemoryKubernetes;

  beforeEach(() => {
    kube = new InMemoryKubernetes();
    kube.putServiceCount({
      metadata: { name: NAME, namespace: NS },
      spec: { kiadaServiceCount: 1 },
    });
  });

  it('delivers watch events on a later turn, not inside the write that caused them', async () => {
    const seen: string[] = [];
    await kube.watch('KiadaServiceCount', NS, '', {
      onEvent: (type, object) => seen.push(`${type} ${object.spec.kiadaServiceCount}`),
      onDone: () => undefined,
    });
    await kube.patchServiceCountSpec(NS, NAME, { kiadaServiceCount: 2 });
    expect(seen).toEqual([]);
    await flushPromises();
    expect(seen).toEqual(['MODIFIED 2']);
  });

  it('stops a controller that writes on every event it causes, at once and by name', async () => {
    let loopError: unknown;
    let writes = 0;
    await kube.watch('KiadaServiceCount', NS, '', {
      // A buggy reconciler: every status write triggers another one.
      onEvent: () => {
        writes += 1;
        kube
          .patchServiceCountStatus(NS, NAME, { replicas: writes })
          .catch((error: unknown) => (loopError ??= error));
      },
      onDone: () => undefined,
    });
    await kube.patchServiceCountStatus(NS, NAME, { replicas: 0 });
    for (let turn = 0; turn < 100 && !loopError; turn++) await flushPromises();
    expect(String(loopError)).toContain(
      `write loop: more than ${WRITE_LOOP_LIMIT} writes to KiadaServiceCount ${NS}/${NAME}`,
    );
    expect(writes).toBeLessThanOrEqual(WRITE_LOOP_LIMIT + 1);
  });
});
