import { spawnSync } from 'node:child_process';
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { DemoError } from './demo-error.js';
import { CLUSTER_DIR } from './settings.js';
import { say } from './say.js';

/** The control-plane binaries start.sh needs (test/cluster/lib.sh's CLUSTER_BINARIES). */
const CLUSTER_SCRIPTS = 'test/cluster';

export interface Cluster {
  kubeconfig: string;
  /** `v1.36.3`. */
  version: string;
  /** Set when the demo started the local control plane (in this state dir). */
  startedDir?: string;
  /** `export KUBECONFIG=...` and `export PATH=...` for kubectl against the local control plane. */
  env?: string;
}

/** The API server's version when `kubeconfig`'s cluster answers within 5 s, else undefined. */
export async function clusterVersion(kubeconfig: string): Promise<string | undefined> {
  try {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const version = kc.makeApiClient(VersionApi).getCode();
    const timeout = new Promise<undefined>((resolve) =>
      setTimeout(() => resolve(undefined), 5_000).unref(),
    );
    return (await Promise.race([version, timeout]))?.gitVersion;
  } catch {
    return undefined;
  }
}

const clusterEnv = { ...process.env, KIADA_CLUSTER_DIR: CLUSTER_DIR };

/** Runs a bash snippet with test/cluster/lib.sh sourced; returns its stdout. */
function withClusterLib(script: string): string {
  const result = spawnSync(
    'bash',
    ['-c', `set -euo pipefail; source ${CLUSTER_SCRIPTS}/lib.sh; ${script}`],
    {
      env: clusterEnv,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0)
    throw new DemoError(`test/cluster/lib.sh failed: ${result.stderr.trim()}`);
  return result.stdout;
}

/** Builds the missing control-plane binaries, saying first how long that takes. */
function buildControlPlane(): void {
  const missing = withClusterLib(
    'for b in "${CLUSTER_BINARIES[@]}"; do [[ -x $CLUSTER_BIN_DIR/$b ]] || echo "$b"; done',
  )
    .split('\n')
    .filter(Boolean);
  if (missing.length === 0) return;
  const cache = withClusterLib('echo "$CLUSTER_BIN_DIR"').trim();
  if (spawnSync('go', ['version']).status !== 0) {
    throw new DemoError(
      `No cluster to run on: ${process.env.KUBECONFIG ? `KUBECONFIG=${process.env.KUBECONFIG} does not answer` : 'KUBECONFIG is not set'}, and the local control plane is not built (missing in ${cache}: ${missing.join(', ')}). ` +
        'Either install Go 1.26+ (https://go.dev/dl/) so the demo can build it, or start a cluster and point KUBECONFIG at it ' +
        '(kind: kind create cluster && export KUBECONFIG=~/.kube/config).',
    );
  }
  say(
    `building the local control plane from Go modules (${missing.join(', ')}): the first time takes about ` +
      '10 minutes on 2 cores (620 s measured with empty Go caches; ~1.5 GB of modules are downloaded), ' +
      `then it is cached in ${cache}. Progress follows (a line every 30 s while compiling).`,
  );
  const started = Date.now();
  const names = withClusterLib('echo "${CLUSTER_BINARIES[@]}"').trim().split(' ');
  const result = spawnSync('bash', [`${CLUSTER_SCRIPTS}/build.sh`, ...names], {
    env: clusterEnv,
    stdio: 'inherit',
  });
  if (result.status !== 0)
    throw new DemoError(
      `test/cluster/build.sh failed (exit ${result.status}): see the lines above`,
    );
  say(`control plane built in ${Math.round((Date.now() - started) / 1000)} s`);
}

/**
 * The cluster KUBECONFIG names when it answers (kind, a real cluster); else the local control
 * plane of test/cluster in KIADA_CLUSTER_DIR, built on first use and started here. Only
 * KUBECONFIG counts: ~/.kube/config may be a production cluster.
 */
export async function ensureCluster(): Promise<Cluster> {
  const named = process.env.KUBECONFIG;
  if (named) {
    const version = await clusterVersion(named);
    if (version) {
      say(`using the cluster KUBECONFIG names (${named}, Kubernetes ${version})`);
      return { kubeconfig: named, version };
    }
    say(`KUBECONFIG=${named} does not answer: using the local control plane instead`);
  } else {
    say('KUBECONFIG is not set: using the local control plane (test/cluster, no Docker needed)');
  }
  buildControlPlane();
  const kubeconfig = `${CLUSTER_DIR}/kubeconfig`;
  const running =
    spawnSync('bash', [`${CLUSTER_SCRIPTS}/start.sh`, '--status'], { env: clusterEnv }).status ===
    0;
  if (!running) {
    say(
      `starting the local control plane in ${CLUSTER_DIR} (etcd, kube-apiserver, controller-manager, scheduler, kwok's fake nodes): about 10 s`,
    );
    const result = spawnSync('bash', [`${CLUSTER_SCRIPTS}/start.sh`], {
      env: clusterEnv,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    if (result.status !== 0)
      throw new DemoError(
        `test/cluster/start.sh failed (exit ${result.status}): see the lines above`,
      );
  } else {
    say(
      `the local control plane in ${CLUSTER_DIR} is already running: using it (the demo will not stop it)`,
    );
  }
  const env = spawnSync('bash', [`${CLUSTER_SCRIPTS}/start.sh`, '--env'], {
    env: clusterEnv,
    encoding: 'utf8',
  }).stdout.trim();
  const version = await clusterVersion(kubeconfig);
  if (!version)
    throw new DemoError(
      `the local control plane in ${CLUSTER_DIR} does not answer: see its logs in ${CLUSTER_DIR}/logs`,
    );
  return { kubeconfig, version, env, ...(running ? {} : { startedDir: CLUSTER_DIR }) };
}
