import { mkdirSync, rmSync } from 'node:fs';
import { kubeClients } from '../test/support/kubernetes.js';
import { waitFor } from '../test/support/wait.js';
import { startApi, startOperator } from './app-processes.js';
import { ensureBuilt } from './app-build.js';
import { scalingStatus } from './api-client.js';
import { ensureCluster } from './cluster.js';
import { closingTable } from './closing-table.js';
import { ClusterView } from './cluster-view.js';
import { DemoError } from './demo-error.js';
import { createDemoNamespace, installCrd, installTarget } from './install.js';
import { startLiveStatus } from './live-status.js';
import { demoPolicy, describePolicy, policyEnv, wavePlan } from './policy.js';
import { applyPolicyLive } from './policy-change.js';
import { endStatus, print, say } from './say.js';
import {
  DEMO_DIR,
  LOG_DIR,
  NAMESPACE,
  RESOURCE_NAME,
  SQLITE_FILE,
  STATE_FILE,
  TARGET_NAME,
} from './settings.js';
import { readState, writeState, type DemoState } from './state.js';
import { runWave, type CrossingResult, type WaveProgress } from './wave.js';

export interface UpResult {
  state: DemoState;
  results: CrossingResult[];
  /** One line per crossing that did not happen as the policy says. */
  failures: string[];
}

/**
 * Starts everything (recording it in the state file as it goes), waits for the first
 * decision, drives the wave and prints the closing table. `onState` receives the state as
 * soon as there is one, so a failure later can still be cleaned up.
 */
export async function up(ci: boolean, onState: (state: DemoState) => void): Promise<UpResult> {
  const running = readState();
  if (running) {
    throw new DemoError(
      `a demo is already running (started ${running.startedAt}${running.dashboardUrl ? `, ${running.dashboardUrl}` : ''}; ` +
        `state in ${STATE_FILE}): stop it first with npm run demo -- --down`,
    );
  }
  const policy = demoPolicy(ci);
  const plan = wavePlan(policy);
  print(
    [
      'kiada-autoscaler demo: sign-ups and logins over HTTP -> the api counts active users and decides ->',
      `KiadaServiceCount ${RESOURCE_NAME} -> the operator scales Deployment ${TARGET_NAME}, on a real Kubernetes API server.`,
      `Policy for the demo (production: SCALING_TIERS=1000:2,10000:3 SCALING_STEP_USERS=20000, window 300 s):`,
      `  ${Object.entries(policyEnv(policy))
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
      `  = ${describePolicy(policy)}`,
      `Wave: ${plan.users} users sign up, log in one by one and log out one by one: ${plan.crossings.length} crossings` +
        `${ci ? ' (--ci: no pauses)' : ''}. Passwords: argon2id at production cost.`,
      '',
    ].join('\n'),
  );

  ensureBuilt();
  const cluster = await ensureCluster();
  // test/support's Kubernetes clients read KUBECONFIG.
  process.env.KUBECONFIG = cluster.kubeconfig;
  mkdirSync(LOG_DIR, { recursive: true });
  rmSync(SQLITE_FILE, { force: true });
  const state: DemoState = {
    startedAt: new Date().toISOString(),
    repo: process.cwd(),
    kubeconfig: cluster.kubeconfig,
    ...(cluster.startedDir ? { clusterDir: cluster.startedDir } : {}),
    ...(cluster.env ? { clusterEnv: cluster.env } : {}),
    processes: [],
  };
  writeState(state);
  onState(state);

  state.crdCreated = await installCrd();
  writeState(state);
  await createDemoNamespace(NAMESPACE);
  state.namespace = NAMESPACE;
  writeState(state);
  await installTarget(NAMESPACE);

  const operator = await startOperator(cluster.kubeconfig, NAMESPACE);
  state.processes.push({
    role: 'operator',
    pid: operator.process.pid!,
    url: operator.url,
    logFile: operator.logFile!,
  });
  writeState(state);
  say(`operator started (pid ${operator.process.pid}, ${operator.url}, log ${operator.logFile})`);
  const api = await startApi(cluster.kubeconfig, NAMESPACE, policy);
  state.processes.push({ role: 'api', pid: api.process.pid!, url: api.url, logFile: api.logFile! });
  state.dashboardUrl = `${api.url}/dashboard`;
  writeState(state);
  const database = process.env.DATABASE_URL ? 'DATABASE_URL' : `SQLite ${SQLITE_FILE}`;
  say(`api started (pid ${api.process.pid}, ${database}, log ${api.logFile})`);
  print(`\n  Dashboard: ${state.dashboardUrl}\n`);

  const view = new ClusterView(kubeClients().kc, NAMESPACE);
  try {
    const start = policy.minReplicas;
    say(
      `waiting for the first decision: 0 active users -> ${start} replicas, applied by the operator`,
    );
    const status = await waitFor(
      `Deployment ${TARGET_NAME} at ${start} replicas`,
      async () =>
        view.specReplicas === start && view.desired === start ? scalingStatus(api.url) : false,
      { timeoutMs: 60_000 },
    );
    if (status.activeUsers !== 0) {
      throw new DemoError(
        `the database already has ${status.activeUsers} active users: the wave needs an empty one ` +
          '(unset DATABASE_URL for the embedded SQLite file, or give the demo a database of its own)',
      );
    }
    say(`ready: ${status.lastDecision?.reason}: ${status.lastDecision?.message}`);

    const progress: WaveProgress = { done: 0, total: 0, phase: 'starting' };
    const stopLive = startLiveStatus(api.url, view, progress);
    let results: CrossingResult[];
    try {
      results = await runWave({
        apiUrl: api.url,
        view,
        plan,
        windowSeconds: policy.windowSeconds,
        paceMs: ci ? 0 : 300,
        pauseMs: ci ? 0 : 2_000,
        progress,
        onCrossing: (r) =>
          say(
            `crossed ${r.crossing.direction} at ${r.crossing.users} users: ` +
              `${r.decisions.map((d) => `${d.reason} (${d.message})`).join(', then ') || 'no decision'}` +
              `${r.problem ? ` -- PROBLEM: ${r.problem}` : ''}`,
          ),
      });
    } finally {
      stopLive();
      endStatus();
    }
    print(`\n${closingTable(results)}\n`);
    const failures = results
      .filter((r) => r.problem)
      .map((r) => `${r.crossing.direction} ${r.crossing.bound}: ${r.problem}`);
    const policyProblem = await applyPolicyLive(api.url, view, NAMESPACE);
    if (policyProblem) failures.push(`policy change: ${policyProblem}`);
    return { state, results, failures };
  } finally {
    view.stop();
  }
}

/** What to do next, when the demo keeps running. */
export function explore(state: DemoState): string {
  const api = state.processes.find((p) => p.role === 'api')!;
  const operator = state.processes.find((p) => p.role === 'operator')!;
  const kubectlEnv = state.clusterEnv ?? `export KUBECONFIG=${state.kubeconfig}`;
  return [
    'Everything keeps running. Explore:',
    `  dashboard   ${state.dashboardUrl}`,
    `  REST API    ${api.url}/docs (Swagger UI), ${api.url}/scaling/status, ${api.url}/scaling/decisions`,
    `  kubectl     ${kubectlEnv.split('\n').join('; ')}`,
    `              kubectl --namespace ${state.namespace} get ksc,deployments,pods`,
    `              kubectl --namespace ${state.namespace} describe ksc ${RESOURCE_NAME}   # the decisions as Events`,
    `              kubectl --namespace ${state.namespace} patch ksc ${RESOURCE_NAME} --type json --patch '[{"op":"remove","path":"/spec/policy"}]'   # back to the api's policy`,
    `  logs        ${api.logFile} ${operator.logFile}`,
    `  a login     curl -s -X POST ${api.url}/auth/signup -H 'content-type: application/json' -d '{"username":"alice","password":"correct horse"}'`,
    `              curl -s -X POST ${api.url}/auth/login -H 'content-type: application/json' -d '{"username":"alice","password":"correct horse"}'`,
    `Stop it and remove what it started (processes, namespace${state.clusterDir ? ', the local control plane' : ''}, ${DEMO_DIR}):`,
    '  npm run demo -- --down',
  ].join('\n');
}
