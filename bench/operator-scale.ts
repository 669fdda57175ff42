// Benchmark 5: one operator process, N KiadaServiceCount resources each with its own target
// Deployment in one namespace. Time from operator start to everything reconciled, operator
// RSS, the operator's own API requests per reconcile (recorded inside its process at Node's
// HTTP client, lib/request-log.ts; it talks to the API server directly), and its
// writes while idle. A ResourceQuota of 0 pods keeps the fake cluster from creating N pods:
// the operator's work is the scale subresource and status, not pods. Then, with the operator
// stopped, the write floor: the same 2 writes per resource from a bare client, 8 resources at
// once (lib/write-floor.ts), so the cold start can be read against the machine's pace.
import { join } from 'node:path';
import type { V1Deployment } from '@kubernetes/client-node';
import { DEFAULT_OPERATOR_CONCURRENCY } from '../src/config/index.js';
import type { KiadaServiceCount } from '../src/kubernetes/kiada-service-count.js';
import type { AppProcess } from '../test/support/app-process.js';
import { createServiceCount, serviceCountsPath } from '../test/support/custom-resource.js';
import { kubeClients } from '../test/support/kubernetes.js';
import { createNamespace, deleteNamespace } from '../test/support/namespaces.js';
import { targetDeploymentBody } from '../test/support/target-deployment.js';
import { sleep } from '../test/support/wait.js';
import { chartOperatorNodeArgs, startBenchApp } from './lib/bench-app.js';
import { cpuSeconds } from './lib/cpu-time.js';
import { pool } from './lib/pool.js';
import { log, now } from './lib/progress.js';
import { metricsText, promSum } from './lib/prometheus.js';
import { classify } from './lib/request-classes.js';
import { requestLog } from './lib/request-log.js';
import { round } from './lib/statistics.js';
import { watch } from './lib/watch.js';
import { measureWriteFloor } from './lib/write-floor.js';

const DESIRED = 1;

/** Quiet time (no event on the resources or Deployments) before the operator starts. */
const SETTLE_QUIET_MS = 2000;
const SETTLE_TIMEOUT_MS = 240_000;

interface Tracked {
  generation?: number;
  observed?: number;
  desired: number;
  target: string;
}

interface TrackedDeployment {
  replicas?: number;
  /** The Deployment controller has seen its spec (status.observedGeneration == generation). */
  settled: boolean;
}

export interface OperatorScaleOptions {
  count: number;
  idleS: number;
  logDir: string;
  timeoutS?: number;
}

export async function operatorScaleBenchmark({
  count,
  idleS,
  logDir,
  timeoutS = 180,
}: OperatorScaleOptions) {
  const { kc, core, apps } = kubeClients();
  let namespace: string | undefined;
  let operator: AppProcess | undefined;
  let watches: Array<{ stop(): void }> = [];
  try {
    namespace = await createNamespace('kiada-bench-scale', { label: 'kiada-autoscaler/bench' });
    const ns = namespace;
    await core.createNamespacedResourceQuota({
      namespace: ns,
      body: { metadata: { name: 'no-pods' }, spec: { hard: { pods: '0' } } },
    });
    log(
      `operator: creating ${count} Deployments (replicas 0) and ${count} KiadaServiceCounts ` +
        `(kiadaServiceCount ${DESIRED}) in ${ns}`,
    );
    const createStart = now();
    const indexes = Array.from({ length: count }, (_, i) => i);
    await pool(indexes, 16, async (i) => {
      await apps.createNamespacedDeployment({
        namespace: ns,
        body: targetDeploymentBody(`kiada-${i}`, 0),
      });
      await createServiceCount(ns, `ksc-${i}`, {
        owner: 'bench',
        kiadaServiceCount: DESIRED,
        targetRef: { name: `kiada-${i}` },
      });
    });
    log(`operator: created in ${round((now() - createStart) / 1000)}s`);

    // Our own view, through watches: reconciled = status.observedGeneration == generation and
    // the target Deployment's spec.replicas == spec.kiadaServiceCount. Kept per resource, so
    // an event costs O(1) here (this process shares the machine with the operator).
    const crs = new Map<string, Tracked>();
    const deps = new Map<string, TrackedDeployment>();
    const serviceCountOf = new Map<string, string>(); // target Deployment -> resource
    const pending = new Set<string>();
    let doneAt: number | null = null;
    let firstStatusAt: number | null = null;
    let lastEventAt = now();
    const update = (name: string | undefined, t: number) => {
      lastEventAt = t;
      if (name === undefined) return;
      const cr = crs.get(name);
      if (cr && cr.observed === cr.generation && deps.get(cr.target)?.replicas === cr.desired) {
        pending.delete(name);
      } else {
        pending.add(name);
      }
      if (doneAt === null && operator && crs.size === count && deps.size === count) {
        if (pending.size === 0) doneAt = t;
      }
    };
    watches = [
      watch<KiadaServiceCount>(kc, serviceCountsPath(ns), {}, (type, obj, t) => {
        const name = obj.metadata.name;
        if (type === 'DELETED') return void crs.delete(name);
        const observed = obj.status?.observedGeneration;
        if (observed !== undefined && firstStatusAt === null && operator) firstStatusAt = t;
        const target = obj.spec.targetRef?.name ?? 'kiada';
        crs.set(name, {
          generation: obj.metadata.generation,
          observed,
          desired: obj.spec.kiadaServiceCount,
          target,
        });
        serviceCountOf.set(target, name);
        update(name, t);
      }),
      watch<V1Deployment>(kc, `/apis/apps/v1/namespaces/${ns}/deployments`, {}, (type, obj, t) => {
        const name = obj.metadata?.name ?? '';
        if (type === 'DELETED') return void deps.delete(name);
        deps.set(name, {
          replicas: obj.spec?.replicas,
          settled: obj.status?.observedGeneration === obj.metadata?.generation,
        });
        update(serviceCountOf.get(name), t);
      }),
    ];
    // From a quiet cluster: the Deployment controller has seen every Deployment (it creates
    // their ReplicaSets) and nothing has changed for SETTLE_QUIET_MS. A fixed pause left it
    // busy in some runs, and its writes then counted against the operator.
    const settleStart = now();
    const isSettled = () =>
      crs.size === count &&
      deps.size === count &&
      [...deps.values()].every((d) => d.settled) &&
      now() - lastEventAt >= SETTLE_QUIET_MS;
    let settleLog = now();
    while (!isSettled() && now() - settleStart < SETTLE_TIMEOUT_MS) {
      await sleep(100);
      if (now() - settleLog >= 10_000) {
        settleLog = now();
        const observed = [...deps.values()].filter((d) => d.settled).length;
        log(
          `operator: waiting for the cluster to settle: ${observed}/${count} Deployments ` +
            `observed by the Deployment controller`,
        );
      }
    }
    log(
      isSettled()
        ? `operator: the cluster settled ${round((now() - settleStart) / 1000)}s after creation ` +
            `(every Deployment observed, no change for ${SETTLE_QUIET_MS / 1000}s)`
        : `operator: the cluster did not settle within ${SETTLE_TIMEOUT_MS / 1000}s ` +
            `(${[...deps.values()].filter((d) => !d.settled).length} Deployments not observed, ` +
            `last change ${round((now() - lastEventAt) / 1000)}s ago); going on`,
    );

    const requests = requestLog(join(logDir, 'operator-scale.requests.jsonl'));
    log(`operator: starting one operator process (namespace ${ns}, leader election on)`);
    // Run as installed: the chart's node flags, read once and reported with the result, and
    // the bench's request recorder.
    const nodeArgs = chartOperatorNodeArgs();
    const startedAt = now();
    const started = await startBenchApp(
      'operator',
      {
        ...requests.env,
        KUBECONFIG: process.env.KUBECONFIG ?? '',
        OPERATOR_NAMESPACE: ns,
        OPERATOR_LEASE_NAMESPACE: ns,
        OPERATOR_LEASE_NAME: 'kiada-bench-operator',
      },
      {
        logDir,
        name: 'operator-scale',
        waitHealthy: false,
        nodeArgs: [...nodeArgs, ...requests.nodeArgs],
      },
    );
    operator = started;
    let healthyAt: number | null = null;
    let peakRssKb = 0;
    const deadline = startedAt + timeoutS * 1000;
    let lastLog = now();
    while (doneAt === null && now() < deadline) {
      if (healthyAt === null) {
        try {
          if ((await fetch(`${started.url}/healthz`)).ok) healthyAt = now();
        } catch {
          // not yet
        }
      }
      peakRssKb = Math.max(peakRssKb, started.rssKb() ?? 0);
      if (now() - lastLog > 5000) {
        lastLog = now();
        const observed = [...crs.values()].filter((c) => c.observed === c.generation).length;
        const scaled = [...crs.values()].filter(
          (c) => deps.get(c.target)?.replicas === c.desired,
        ).length;
        log(
          `operator: +${round((now() - startedAt) / 1000)}s: ${observed}/${count} observed, ` +
            `${scaled}/${count} Deployments scaled`,
        );
      }
      await sleep(50);
    }
    const finishedAt = doneAt as number | null;
    const reconciledS = finishedAt === null ? null : round((finishedAt - startedAt) / 1000, 2);
    log(
      finishedAt === null
        ? `operator: NOT all reconciled within ${timeoutS}s`
        : `operator: all ${count} reconciled ${reconciledS}s after start`,
    );
    const metricsAfter = async () => {
      const text = await metricsText(started);
      return {
        reconciles: promSum(text, 'kiada_operator_reconciles_total'),
        scales: promSum(text, 'kiada_operator_scales_total'),
        reconcileSeconds: promSum(text, 'kiada_operator_reconcile_duration_seconds_sum'),
      };
    };
    await sleep(3000); // trailing status/Deployment events
    const settled = await metricsAfter();
    // From process start: start-up, informer lists and every reconcile.
    const cpuAtSettle = cpuSeconds(started.process.pid);
    const untilSettled = requests.read();
    const atSettle = untilSettled.length;
    const reconcilePhase = classify(untilSettled);
    const rssAfterReconcileKb = started.rssKb();

    log(`operator: idle ${idleS}s, counting the operator's API requests`);
    await sleep(idleS * 1000);
    const idle = classify(requests.read().slice(atSettle));
    const afterIdle = await metricsAfter();
    const rssAfterIdleKb = started.rssKb();
    const hwmKb = started.hwmKb();
    // The floor: the same writes without the operator (stopped first, so nothing reverts them).
    await started.stop();
    operator = undefined;
    const writeFloor = await measureWriteFloor({
      kubeConfig: kc,
      namespace: ns,
      count,
      replicas: DESIRED + 1,
      // As many at once as the operator's workers (it runs with the default).
      concurrency: DEFAULT_OPERATOR_CONCURRENCY,
    });
    const coldStartPerFloor =
      reconciledS === null || !writeFloor.seconds
        ? null
        : round(reconciledS / writeFloor.seconds, 2);
    log(
      `operator: write floor ${writeFloor.seconds}s for ${writeFloor.writes} writes ` +
        `(${writeFloor.writesPerSecond}/s, ${writeFloor.meanWriteMs} ms each)` +
        (coldStartPerFloor === null ? '' : `; cold start / floor ${coldStartPerFloor}`),
    );
    const firstStatus = firstStatusAt as number | null;
    const result = {
      resources: count,
      reconciledS,
      operatorHealthyS: healthyAt === null ? null : round((healthyAt - startedAt) / 1000, 2),
      firstStatusS: firstStatus === null ? null : round((firstStatus - startedAt) / 1000, 2),
      reconciles: settled.reconciles,
      scales: settled.scales,
      apiRequests: {
        total: reconcilePhase.total,
        reads: reconcilePhase.reads,
        writes: reconcilePhase.writes,
        watches: reconcilePhase.watches,
        leaseWrites: reconcilePhase.leaseWrites,
        eventWrites: reconcilePhase.eventWrites,
        byKind: reconcilePhase.byKind,
        meanMsByKind: reconcilePhase.meanMsByKind,
      },
      requestsPerReconcile: settled.reconciles
        ? round(reconcilePhase.total / settled.reconciles, 2)
        : null,
      requestsPerResource: round(reconcilePhase.total / count, 2),
      /** The operator's flags: the chart's `operator.nodeArgs`. */
      nodeArgs,
      /** CPU of the operator process from its start until everything settled, s. */
      cpuS: cpuAtSettle === null ? null : round(cpuAtSettle, 2),
      /** That CPU per reconcile, ms (start-up included). */
      cpuMsPerReconcile:
        cpuAtSettle === null || !settled.reconciles
          ? null
          : round((cpuAtSettle * 1000) / settled.reconciles, 2),
      /** Mean time of one reconcile (the operator's histogram), ms. */
      meanReconcileMs: settled.reconciles
        ? round((settled.reconcileSeconds * 1000) / settled.reconciles, 1)
        : null,
      rssMb: {
        peakSampled: round(peakRssKb / 1024),
        afterReconcile: round((rssAfterReconcileKb ?? 0) / 1024),
        afterIdle: round((rssAfterIdleKb ?? 0) / 1024),
        hwm: round((hwmKb ?? 0) / 1024),
      },
      writeFloor,
      /** The cold start divided by the write floor: the part that is the operator's own. */
      coldStartPerFloor,
      idle: {
        seconds: idleS,
        requests: idle.total,
        writes: idle.writes,
        writesExcludingLease: idle.writes - idle.leaseWrites,
        leaseWrites: idle.leaseWrites,
        reconciles: afterIdle.reconciles - settled.reconciles,
        byKind: idle.byKind,
      },
    };
    log(
      `operator: RSS peak ${result.rssMb.hwm} MB; ` +
        `${result.requestsPerReconcile} API requests per reconcile ` +
        `(${result.reconciles} reconciles); ` +
        `idle ${idleS}s: ${result.idle.writesExcludingLease} writes ` +
        `(+${result.idle.leaseWrites} Lease renewals)`,
    );
    return result;
  } finally {
    watches.forEach((w) => w.stop());
    await operator?.stop();
    if (namespace) {
      log(`operator: deleting namespace ${namespace}`);
      await deleteNamespace(namespace, { waitMs: 180_000 });
    }
  }
}
