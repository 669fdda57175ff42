import { spawnSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { KSC_GROUP, KSC_PLURAL, KSC_VERSION } from '../src/kubernetes/kiada-service-count.js';
import { kubeClients } from '../test/support/kubernetes.js';
import { deleteNamespace } from '../test/support/namespaces.js';
import { sleep } from '../test/support/wait.js';
import { LOG_DIR } from './settings.js';
import { removeDemoDir, type DemoState, type StartedProcess } from './state.js';
import { say } from './say.js';

const CRD_NAME = `${KSC_PLURAL}.${KSC_GROUP}`;

/** Whether `pid` is still the app process the demo started (dist/main.js run from `repo`). */
function isDemoProcess(pid: number, repo: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.includes('dist/main.js') && readlinkSync(`/proc/${pid}/cwd`) === repo;
  } catch {
    return false;
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGTERM (the app shuts down gracefully, the operator releases its Lease), SIGKILL after 15 s. */
async function stopProcess({ role, pid }: StartedProcess, repo: string): Promise<void> {
  if (!isDemoProcess(pid, repo)) {
    say(`${role} (pid ${pid}) is not running any more`);
    return;
  }
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 150 && alive(pid); i++) await sleep(100);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  say(`stopped the ${role} (pid ${pid})`);
}

/** Deletes the CRD the demo created, unless KiadaServiceCounts outside `namespace` use it. */
async function removeCrd(namespace: string | undefined): Promise<void> {
  const { custom, extensions } = kubeClients();
  const list = (await custom.listClusterCustomObject({
    group: KSC_GROUP,
    version: KSC_VERSION,
    plural: KSC_PLURAL,
  })) as {
    items: Array<{ metadata: { namespace?: string; name: string } }>;
  };
  const others = list.items.filter((item) => item.metadata.namespace !== namespace);
  if (others.length > 0) {
    const names = others.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).join(', ');
    say(
      `kept CRD ${CRD_NAME}: the demo created it, but other KiadaServiceCounts use it now (${names})`,
    );
    return;
  }
  await extensions.deleteCustomResourceDefinition({ name: CRD_NAME });
  say(`deleted CRD ${CRD_NAME} (the demo had created it)`);
}

/**
 * Stops and removes exactly what `state` lists: the app processes (only while they are still
 * the demo's), then the local control plane if the demo started it (its namespace goes with
 * it), else the namespace and the CRD if the demo created them; then the demo's directory
 * (but its logs, with `keepLogs`).
 */
export async function teardown(state: DemoState, { keepLogs = false } = {}): Promise<void> {
  for (const started of [...state.processes].reverse()) await stopProcess(started, state.repo);
  if (state.clusterDir) {
    const result = spawnSync('bash', ['test/cluster/stop.sh'], {
      env: { ...process.env, KIADA_CLUSTER_DIR: state.clusterDir },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (result.status !== 0) throw new Error(`test/cluster/stop.sh failed (exit ${result.status})`);
    say(`stopped the local control plane the demo started (${state.clusterDir})`);
  } else {
    process.env.KUBECONFIG = state.kubeconfig;
    if (state.namespace) {
      await deleteNamespace(state.namespace, { waitMs: 120_000 });
      say(
        `deleted namespace ${state.namespace} (Deployment kiada, KiadaServiceCount, Lease, Events)`,
      );
    }
    if (state.crdCreated) await removeCrd(state.namespace);
  }
  removeDemoDir({ keepLogs });
  if (keepLogs) say(`kept the app's logs in ${LOG_DIR}`);
}
