// Benchmark 5: one operator process, N KiadaServiceCount resources each with its own target
// Deployment in one namespace. Time from operator start to everything reconciled, operator
// RSS, the operator's own API requests per reconcile (through a counting proxy), and its
// writes while idle. A ResourceQuota of 0 pods keeps the fake cluster from creating N pods:
// the operator's work is the scale subresource and status, not pods.
import { join } from 'node:path';
import { metricsText, startApp } from './lib/app.mjs';
import { classify, clients, createNamespace, deleteNamespace, deploymentBody, GROUP, PLURAL, startCountingProxy, VERSION, watch } from './lib/kube.mjs';
import { log, now, pool, promSamples, round, sleep } from './lib/util.mjs';

const DESIRED = 1;

export async function operatorScaleBenchmark({ count, idleS, logDir, timeoutS = 180 }) {
  const { kc, core, apps, custom } = clients();
  const namespace = `kiada-bench-scale-${Date.now().toString(36)}`;
  let operator;
  let proxy;
  let watches = [];
  try {
    await createNamespace(namespace);
    await core.createNamespacedResourceQuota({ namespace, body: { metadata: { name: 'no-pods' }, spec: { hard: { pods: '0' } } } });
    log(`operator: creating ${count} Deployments (replicas 0) and ${count} KiadaServiceCounts (kiadaServiceCount ${DESIRED}) in ${namespace}`);
    const createStart = now();
    const indexes = Array.from({ length: count }, (_, i) => i);
    await pool(indexes, 16, async (i) => {
      await apps.createNamespacedDeployment({ namespace, body: deploymentBody(`kiada-${i}`, 0) });
      await custom.createNamespacedCustomObject({
        group: GROUP, version: VERSION, namespace, plural: PLURAL,
        body: {
          apiVersion: `${GROUP}/${VERSION}`, kind: 'KiadaServiceCount',
          metadata: { name: `ksc-${i}` },
          spec: { owner: 'bench', kiadaServiceCount: DESIRED, targetRef: { name: `kiada-${i}` } },
        },
      });
    });
    log(`operator: created in ${round((now() - createStart) / 1000)}s; letting the controllers settle 5s`);
    await sleep(5000);

    // Our own view, through watches: reconciled = status.observedGeneration == generation and
    // the target Deployment's spec.replicas == spec.kiadaServiceCount.
    const crs = new Map();
    const deps = new Map();
    let doneAt = null;
    let firstStatusAt = null;
    const check = (t) => {
      if (doneAt !== null || crs.size < count || deps.size < count) return;
      for (const cr of crs.values()) {
        if (cr.observed !== cr.generation || deps.get(cr.target) !== cr.desired) return;
      }
      doneAt = t;
    };
    watches = [
      watch(kc, `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}`, {}, (type, obj, t) => {
        if (type === 'DELETED') return crs.delete(obj.metadata.name);
        const observed = obj.status?.observedGeneration;
        if (observed !== undefined && firstStatusAt === null && operator) firstStatusAt = t;
        crs.set(obj.metadata.name, { generation: obj.metadata.generation, observed, desired: obj.spec.kiadaServiceCount, target: obj.spec.targetRef?.name ?? 'kiada' });
        check(t);
      }),
      watch(kc, `/apis/apps/v1/namespaces/${namespace}/deployments`, {}, (type, obj, t) => {
        if (type === 'DELETED') return deps.delete(obj.metadata.name);
        deps.set(obj.metadata.name, obj.spec.replicas);
        check(t);
      }),
    ];
    while (crs.size < count || deps.size < count) await sleep(100);

    proxy = await startCountingProxy(kc, join(logDir, 'operator-scale.kubeconfig'));
    log(`operator: starting one operator process (namespace ${namespace}, leader election on)`);
    const startedAt = now();
    operator = await startApp('operator', {
      KUBECONFIG: proxy.kubeconfigFile,
      OPERATOR_NAMESPACE: namespace,
      OPERATOR_LEASE_NAMESPACE: namespace,
      OPERATOR_LEASE_NAME: 'kiada-bench-operator',
    }, { logDir, name: 'operator-scale', waitHealthy: false });
    let healthyAt = null;
    let peakRssKb = 0;
    const deadline = startedAt + timeoutS * 1000;
    let lastLog = now();
    while (doneAt === null && now() < deadline) {
      if (healthyAt === null) {
        try { if ((await fetch(`${operator.url}/healthz`)).ok) healthyAt = now(); } catch { /* not yet */ }
      }
      peakRssKb = Math.max(peakRssKb, operator.rssKb() ?? 0);
      if (now() - lastLog > 5000) {
        lastLog = now();
        const observed = [...crs.values()].filter((c) => c.observed === c.generation).length;
        const scaled = [...crs.values()].filter((c) => deps.get(c.target) === c.desired).length;
        log(`operator: +${round((now() - startedAt) / 1000)}s: ${observed}/${count} observed, ${scaled}/${count} Deployments scaled`);
      }
      await sleep(50);
    }
    const reconciledS = doneAt === null ? null : round((doneAt - startedAt) / 1000, 2);
    log(`operator: ${doneAt === null ? `NOT all reconciled within ${timeoutS}s` : `all ${count} reconciled ${reconciledS}s after start`}`);
    const metricsAfter = async () => {
      const text = await metricsText(operator);
      const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);
      return { reconciles: sum(promSamples(text, 'kiada_operator_reconciles_total')), scales: sum(promSamples(text, 'kiada_operator_scales_total')) };
    };
    await sleep(3000); // trailing status/Deployment events
    const settled = await metricsAfter();
    const atSettle = proxy.requests.length;
    const reconcilePhase = classify(proxy.requests.slice(0, atSettle));
    const rssAfterReconcileKb = operator.rssKb();

    log(`operator: idle ${idleS}s, counting the operator's API requests`);
    await sleep(idleS * 1000);
    const idle = classify(proxy.requests.slice(atSettle));
    const afterIdle = await metricsAfter();
    const result = {
      resources: count,
      reconciledS,
      operatorHealthyS: healthyAt === null ? null : round((healthyAt - startedAt) / 1000, 2),
      firstStatusS: firstStatusAt === null ? null : round((firstStatusAt - startedAt) / 1000, 2),
      reconciles: settled.reconciles,
      scales: settled.scales,
      apiRequests: { total: reconcilePhase.total, reads: reconcilePhase.reads, writes: reconcilePhase.writes, watches: reconcilePhase.watches, leaseWrites: reconcilePhase.leaseWrites, eventWrites: reconcilePhase.eventWrites, byKind: reconcilePhase.byKind },
      requestsPerReconcile: settled.reconciles ? round(reconcilePhase.total / settled.reconciles, 2) : null,
      requestsPerResource: round(reconcilePhase.total / count, 2),
      rssMb: { peakSampled: round(peakRssKb / 1024), afterReconcile: round(rssAfterReconcileKb / 1024), afterIdle: round(operator.rssKb() / 1024), hwm: round(operator.hwmKb() / 1024) },
      idle: { seconds: idleS, requests: idle.total, writes: idle.writes, writesExcludingLease: idle.writes - idle.leaseWrites, leaseWrites: idle.leaseWrites, reconciles: afterIdle.reconciles - settled.reconciles, byKind: idle.byKind },
    };
    log(`operator: RSS peak ${result.rssMb.hwm} MB; ${result.requestsPerReconcile} API requests per reconcile (${result.reconciles} reconciles); idle ${idleS}s: ${result.idle.writesExcludingLease} writes (+${result.idle.leaseWrites} Lease renewals)`);
    return result;
  } finally {
    watches.forEach((w) => w.stop());
    await operator?.stop();
    await proxy?.close();
    log(`operator: deleting namespace ${namespace}`);
    await deleteNamespace(namespace, { timeoutMs: 180_000 });
  }
}
