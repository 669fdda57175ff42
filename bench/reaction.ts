// Benchmark 2: reaction latency. From the HTTP response of the login (or logout) that
// crosses the 1,000-user tier boundary to (a) the KiadaServiceCount's spec changing,
// (b) Deployment kiada's spec.replicas changing, (c) its Pods Ready, as seen by watches.
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { KubeConfig, V1Deployment, V1Pod } from '@kubernetes/client-node';
import type { KiadaServiceCount } from '../src/kubernetes/kiada-service-count.js';
import { serviceCountsPath } from '../test/support/custom-resource.js';
import type { HttpUser } from '../test/support/http-user.js';
import { kubeClients } from '../test/support/kubernetes.js';
import { createNamespace } from '../test/support/namespaces.js';
import { createTargetDeployment, isPodReady } from '../test/support/target-deployment.js';
import { sleep } from '../test/support/wait.js';
import { log, now } from './lib/progress.js';
import { reactionBreakdown, type CrossingTimes } from './reaction-breakdown.js';
import { roundSummary, summary, type Summary } from './lib/statistics.js';
import { watch } from './lib/watch.js';

interface State {
  cr: number | undefined;
  dep: number | undefined;
  ready: number;
}
type Snapshot = State & { t: number };

/** Current state from three watches, with a timeline of every change. */
function observe(kc: KubeConfig, namespace: string, resource: string) {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(100);
  const state: State = { cr: undefined, dep: undefined, ready: 0 };
  const timeline: Snapshot[] = [];
  const pods = new Map<string, boolean>();
  const push = (t: number) => {
    const last = timeline.at(-1);
    if (last && last.cr === state.cr && last.dep === state.dep && last.ready === state.ready) {
      return;
    }
    timeline.push({ t, ...state });
    emitter.emit('change');
  };
  const watches = [
    watch<KiadaServiceCount>(kc, serviceCountsPath(namespace), {}, (type, obj, t) => {
      if (obj?.metadata?.name !== resource) return;
      state.cr = type === 'DELETED' ? undefined : obj.spec?.kiadaServiceCount;
      push(t);
    }),
    watch<V1Deployment>(
      kc,
      `/apis/apps/v1/namespaces/${namespace}/deployments`,
      {},
      (type, obj, t) => {
        if (obj?.metadata?.name !== 'kiada') return;
        state.dep = type === 'DELETED' ? undefined : obj.spec?.replicas;
        push(t);
      },
    ),
    watch<V1Pod>(
      kc,
      `/api/v1/namespaces/${namespace}/pods`,
      { labelSelector: 'app=kiada' },
      (type, obj, t) => {
        const name = obj.metadata?.name ?? '';
        if (type !== 'DELETED' && isPodReady(obj)) pods.set(name, true);
        else pods.delete(name);
        state.ready = pods.size;
        push(t);
      },
    ),
  ];
  /** Time of the first snapshot from index `from` on with [key] === value; null after timeoutMs. */
  const until = (key: keyof State, value: number, from: number, timeoutMs = 30_000) =>
    new Promise<number | null>((resolve) => {
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

type Observer = ReturnType<typeof observe>;

interface Sample {
  request: number;
  cr: number | null;
  deployment: number | null;
  podsReady: number | null;
}
type Direction = 'up' | 'down';

export interface ReactionOptions {
  /** The api (SCALING_NAMESPACE=namespace, scale-down window 0); its log has the timings. */
  api: { url: string; output(): string };
  /** The operator watching `namespace`; its log has the timings. */
  operator: { output(): string };
  namespace: string;
  resource: string;
  /** The user whose login and logout cross the boundary (signed up, logged out). */
  boundary: HttpUser;
  crossings: number;
}

/**
 * Runs `crossings` up-and-down pairs across the 999/1000 boundary (2 <-> 3 replicas).
 * Needs: api (SCALING_NAMESPACE=namespace, window 0) and operator running, 999 seeded
 * active users, the boundary user signed up.
 */
export async function reactionBenchmark({
  api,
  operator,
  namespace,
  resource,
  boundary,
  crossings,
}: ReactionOptions) {
  const { kc } = kubeClients();
  const observer = observe(kc, namespace, resource);
  try {
    await waitForState(
      observer,
      { cr: 2, dep: 2, ready: 2 },
      60_000,
      'the starting point: 2 replicas, 2 Pods Ready',
    );
    const samples: Record<Direction, Sample[]> = { up: [], down: [] };
    const crossingTimes: CrossingTimes[] = [];
    const epoch = (t: number | null) => (t === null ? null : performance.timeOrigin + t);
    for (let i = 0; i < crossings * 2; i++) {
      const direction: Direction = i % 2 === 0 ? 'up' : 'down';
      const target = direction === 'up' ? 3 : 2;
      const from = observer.timeline.length;
      const sentAt = now();
      // Each throws unless the app answers 200 (login) or 204 (logout).
      await (direction === 'up' ? boundary.logIn() : boundary.logOut());
      const respondedAt = now();
      const [a, b, c] = await Promise.all([
        observer.until('cr', target, from),
        observer.until('dep', target, from),
        observer.until('ready', target, from),
      ]);
      const ms = (t: number | null) => (t === null ? null : t - respondedAt);
      const sample: Sample = {
        request: respondedAt - sentAt,
        cr: ms(a),
        deployment: ms(b),
        podsReady: ms(c),
      };
      samples[direction].push(sample);
      crossingTimes.push({
        target,
        sentAt: epoch(sentAt)!,
        respondedAt: epoch(respondedAt)!,
        deploymentSeenAt: epoch(b),
      });
      log(
        `reaction ${direction} ${samples[direction].length}/${crossings}: ` +
          `CR +${fmt(sample.cr)} ms, Deployment +${fmt(sample.deployment)} ms, ` +
          `Pods Ready +${fmt(sample.podsReady)} ms (HTTP ${fmt(sample.request)} ms)`,
      );
      // Settle: every watch at the target before the next crossing.
      await waitForState(
        observer,
        { cr: target, dep: target, ready: target },
        30_000,
        `settled at ${target}`,
      ).catch((e: Error) => log(e.message));
      await sleep(200);
    }
    const stats = (dir: Direction, key: keyof Sample) => ({
      ...roundSummary(summary(samples[dir].map((x) => x[key]))),
      missed: samples[dir].filter((x) => x[key] === null).length,
    });
    const byDirection = (dir: Direction) => ({
      crossings: samples[dir].length,
      cr: stats(dir, 'cr'),
      deployment: stats(dir, 'deployment'),
      podsReady: stats(dir, 'podsReady'),
      httpMs: stats(dir, 'request'),
    });
    const all = (key: keyof Sample): Summary =>
      roundSummary(summary([...samples.up, ...samples.down].map((x) => x[key])));
    // Let the last lines reach the log files.
    await sleep(500);
    const breakdown = reactionBreakdown(crossingTimes, api.output(), operator.output());
    log(
      `reaction: breakdown of ${breakdown.matched}/${breakdown.crossings} crossings ` +
        'from the api and operator logs',
    );
    return {
      /** The spec.policy the crossings ran with (read back from the resource). */
      policy:
        (
          (await kubeClients().custom.getNamespacedCustomObject({
            group: 'hanyang.ac.kr',
            version: 'v1',
            namespace,
            plural: 'kiadaservicecounts',
            name: resource,
          })) as KiadaServiceCount
        ).spec.policy ?? null,
      breakdown,
      up: byDirection('up'),
      down: byDirection('down'),
      all: { cr: all('cr'), deployment: all('deployment'), podsReady: all('podsReady') },
      samples,
    };
  } finally {
    observer.stop();
  }
}

function fmt(v: number | null): string {
  return v === null ? 'n/a' : v.toFixed(0);
}

async function waitForState(
  observer: Observer,
  want: State,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = observer.state;
    if (state.cr === want.cr && state.dep === want.dep && state.ready === want.ready) return;
    await sleep(20);
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what} (now ${JSON.stringify(observer.state)})`,
  );
}

/** A namespace with Deployment kiada (2 replicas) for the reaction benchmark; returns its name. */
export async function prepareReactionNamespace(): Promise<string> {
  const namespace = await createNamespace('kiada-bench-reaction', {
    label: 'kiada-autoscaler/bench',
  });
  await createTargetDeployment(namespace, 'kiada', 2);
  return namespace;
}
