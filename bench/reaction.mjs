// Benchmark 2: reaction latency. From the HTTP response of the login (or logout) that
// crosses the 1,000-user tier boundary to (a) the KiadaServiceCount's spec changing,
// (b) Deployment kiada's spec.replicas changing, (c) its Pods Ready, as seen by watches.
import { EventEmitter } from 'node:events';
import { createNamespace, deploymentBody, clients, GROUP, VERSION, PLURAL, watch } from './lib/kube.mjs';
import { log, now, sleep, summary, round } from './lib/util.mjs';

const PASSWORD = 'correct horse battery staple';

async function post(url, path, body, cookie) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response;
}

/** Current state from three watches, with a timeline of every change. */
function observe(kc, namespace, resource) {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(100);
  const state = { cr: undefined, dep: undefined, ready: 0 };
  const timeline = [];
  const pods = new Map();
  const push = (t) => {
    const last = timeline.at(-1);
    if (last && last.cr === state.cr && last.dep === state.dep && last.ready === state.ready) return;
    timeline.push({ t, ...state });
    emitter.emit('change');
  };
  const watches = [
    watch(kc, `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}`, {}, (type, obj, t) => {
      if (obj?.metadata?.name !== resource) return;
      state.cr = type === 'DELETED' ? undefined : obj.spec?.kiadaServiceCount;
      push(t);
    }),
    watch(kc, `/apis/apps/v1/namespaces/${namespace}/deployments`, {}, (type, obj, t) => {
      if (obj?.metadata?.name !== 'kiada') return;
      state.dep = type === 'DELETED' ? undefined : obj.spec?.replicas;
      push(t);
    }),
    watch(kc, `/api/v1/namespaces/${namespace}/pods`, { labelSelector: 'app=kiada' }, (type, obj, t) => {
      const ready =
        type !== 'DELETED' &&
        !obj.metadata?.deletionTimestamp &&
        obj.status?.phase === 'Running' &&
        obj.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      if (ready) pods.set(obj.metadata.name, true);
      else pods.delete(obj.metadata.name);
      state.ready = pods.size;
      push(t);
    }),
  ];
  /** Time of the first snapshot at index >= from where snapshot[key] === value (waits up to timeoutMs). */
  const until = (key, value, from, timeoutMs = 30_000) =>
    new Promise((resolve) => {
      let index = from;
      const check = () => {
        for (; index < timeline.length; index++) {
          if (timeline[index][key] === value) {
            cleanup();
            resolve(timeline[index].t);
            return true;
          }
        }
        return false;
      };
      const timer = setTimeout(() => {
        cleanup();
        resolve(null);
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        emitter.off('change', check);
      };
      if (!check()) emitter.on('change', check);
    });
  return { state, timeline, until, stop: () => watches.forEach((w) => w.stop()) };
}

/**
 * Runs `crossings` up-and-down pairs across the 999/1000 boundary (2 <-> 3 replicas).
 * Needs: api (SCALING_NAMESPACE=namespace, window 0) and operator running, 999 seeded
 * active users, the boundary user signed up.
 */
export async function reactionBenchmark({ api, namespace, resource, crossings }) {
  const { kc } = clients();
  const observer = observe(kc, namespace, resource);
  try {
    await waitForState(observer, { cr: 2, dep: 2, ready: 2 }, 60_000, 'the starting point: 2 replicas, 2 Pods Ready');
    const boundary = { username: 'bench-boundary', password: PASSWORD };
    const samples = { up: [], down: [] };
    let cookie;
    for (let i = 0; i < crossings * 2; i++) {
      const direction = i % 2 === 0 ? 'up' : 'down';
      const target = direction === 'up' ? 3 : 2;
      const from = observer.timeline.length;
      const sentAt = now();
      const response =
        direction === 'up'
          ? await post(api.url, '/auth/login', boundary)
          : await post(api.url, '/auth/logout', undefined, cookie);
      const respondedAt = now();
      if (direction === 'up') {
        if (response.status !== 200) throw new Error(`login of the boundary user: HTTP ${response.status}`);
        cookie = response.headers.get('set-cookie').split(';')[0];
      } else if (response.status !== 204) throw new Error(`logout of the boundary user: HTTP ${response.status}`);
      const [a, b, c] = await Promise.all([
        observer.until('cr', target, from),
        observer.until('dep', target, from),
        observer.until('ready', target, from),
      ]);
      const ms = (t) => (t === null ? null : t - respondedAt);
      const sample = { request: respondedAt - sentAt, cr: ms(a), deployment: ms(b), podsReady: ms(c) };
      samples[direction].push(sample);
      log(
        `reaction ${direction} ${samples[direction].length}/${crossings}: CR +${fmt(sample.cr)} ms, ` +
          `Deployment +${fmt(sample.deployment)} ms, Pods Ready +${fmt(sample.podsReady)} ms (HTTP ${fmt(sample.request)} ms)`,
      );
      // Settle: every watch at the target before the next crossing.
      await waitForState(observer, { cr: target, dep: target, ready: target }, 30_000, `settled at ${target}`).catch((e) => log(String(e.message)));
      await sleep(200);
    }
    const stats = (dir, key) => {
      const s = summary(samples[dir].map((x) => x[key]));
      return { ...Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === 'n' ? v : round(v)])), missed: samples[dir].filter((x) => x[key] === null).length };
    };
    const result = {};
    for (const dir of ['up', 'down']) {
      result[dir] = { crossings: samples[dir].length, cr: stats(dir, 'cr'), deployment: stats(dir, 'deployment'), podsReady: stats(dir, 'podsReady'), httpMs: stats(dir, 'request') };
    }
    const all = (key) => summary([...samples.up, ...samples.down].map((x) => x[key]));
    result.all = { cr: mapRound(all('cr')), deployment: mapRound(all('deployment')), podsReady: mapRound(all('podsReady')) };
    result.samples = samples;
    return result;
  } finally {
    observer.stop();
  }
}

function mapRound(s) {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === 'n' ? v : round(v)]));
}

function fmt(v) {
  return v === null ? 'n/a' : v.toFixed(0);
}

async function waitForState(observer, want, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (Object.entries(want).every(([k, v]) => observer.state[k] === v)) return;
    await sleep(20);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (now ${JSON.stringify(observer.state)})`);
}

/** Namespace with Deployment kiada (2 replicas) for the reaction benchmark. */
export async function prepareReactionNamespace(namespace) {
  await createNamespace(namespace);
  const { apps } = clients();
  await apps.createNamespacedDeployment({ namespace, body: deploymentBody('kiada', 2) });
}
