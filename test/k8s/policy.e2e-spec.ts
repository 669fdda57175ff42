import { writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiEnv } from '../support/api-process.js';
import { migrateDatabase, startApp, type AppProcess } from '../support/app-process.js';
import { applyCrd, getServiceCount, patchServiceCount } from '../support/custom-resource.js';
import { dropDatabase, freshDatabase } from '../support/database.js';
import { HttpUser } from '../support/http-user.js';
import { kubectl, kubectlFails } from '../support/kubernetes.js';
import { createNamespace, deleteNamespace } from '../support/namespaces.js';
import { startOperator } from '../support/operator-process.js';
import { installChartRbac } from '../support/rbac.js';
import { createTargetDeployment, deploymentReplicas } from '../support/target-deployment.js';
import { sleep, waitFor } from '../support/wait.js';
import type { KiadaServiceCount, PolicySpec } from '../../src/kubernetes/kiada-service-count.js';
import { parseDecisionStamp } from '../../src/kubernetes/service-count-annotations.js';

const RESOURCE = 'hanyang-kiada-autoscaler';
/**
 * The api's own policy (SCALING_*): <10 users -> 1, <1000 -> 2; resync once an hour, so only
 * the watch can carry a change (the resource's fallback waits 3 hours for the signal).
 */
const ENVIRONMENT = {
  SCALING_TIERS: '10:1,1000:2',
  SCALING_MIN_REPLICAS: '1',
  SCALING_STABILIZATION_SECONDS: '0',
  SCALING_RESYNC_SECONDS: '3600',
};

const condition = (resource: KiadaServiceCount, type: string) =>
  resource.status?.conditions?.find((item) => item.type === type);

/**
 * spec.policy on a real API server, with the api and the operator as processes: what a
 * platform engineer does with `kubectl apply`, and what the CRD, the api and the operator
 * make of it.
 */
describe('spec.policy: kubectl apply, CEL rules, PolicyValid, schedules, forecast', () => {
  let namespace: string;
  let databaseUrl: string;
  let api: AppProcess | undefined;
  let operator: AppProcess | undefined;
  let users = 0;

  const resource = () => getServiceCount(namespace, RESOURCE);
  /** `kubectl apply --server-side` of spec.policy alone (GitOps: the api owns kiadaServiceCount). */
  const applyPolicy = async (policy: PolicySpec | null) => {
    const file = join(tmpdir(), `policy-${Date.now()}.json`);
    const manifest = {
      apiVersion: 'hanyang.ac.kr/v1',
      kind: 'KiadaServiceCount',
      metadata: { name: RESOURCE, namespace },
      spec: policy === null ? {} : { policy },
    };
    writeFileSync(file, JSON.stringify(manifest));
    return kubectl('apply', '--server-side', '--field-manager=platform-team', '-f', file);
  };
  const applyFails = async (policy: unknown) => {
    const file = join(tmpdir(), `policy-${Date.now()}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        apiVersion: 'hanyang.ac.kr/v1',
        kind: 'KiadaServiceCount',
        metadata: { name: RESOURCE, namespace },
        spec: { policy },
      }),
    );
    return kubectlFails('apply', '--server-side', '--field-manager=platform-team', '-f', file);
  };
  const logIn = async () => {
    const user = new HttpUser(api!.url, `policy-${++users}`);
    await user.signUp();
    await user.logIn();
    return user;
  };
  const replicasAre = (replicas: number, timeoutMs = 30_000) =>
    waitFor(
      `kiada at ${replicas} replicas`,
      async () => (await deploymentReplicas(namespace)) === replicas,
      { timeoutMs, intervalMs: 100 },
    );
  const lastDecision = async () => parseDecisionStamp((await resource()).metadata.annotations);

  beforeAll(async () => {
    await applyCrd();
    namespace = await createNamespace('ksc-policy');
    await installChartRbac(namespace);
    await createTargetDeployment(namespace, 'kiada', 1);
    databaseUrl = await freshDatabase('policy');
    await migrateDatabase(databaseUrl);
    operator = await startOperator(namespace);
    api = await startApp(
      'api',
      await apiEnv(namespace, databaseUrl, { SCALING_RESOURCE_NAME: RESOURCE, ...ENVIRONMENT }),
    );
    await logIn(); // 1 active user: 1 replica
    await replicasAre(1);
    // The signal is refreshed at each resync (hourly here): the fallback must not engage.
    await patchServiceCount(namespace, RESOURCE, {
      spec: { fallback: { staleAfterSeconds: 10_800 } },
    });
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    await operator?.stop();
    // The processes' logs explain a failure (which decision, when, what the operator did).
    const logs = join(process.cwd(), 'test-output', 'policy');
    await mkdir(logs, { recursive: true });
    for (const [name, app] of Object.entries({ api, operator })) {
      if (app) await writeFile(join(logs, `${name}.log`), app.output());
    }
    if (namespace) await deleteNamespace(namespace);
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('kubectl apply of a policy moves the Deployment at once, with no api restart', async () => {
    const pid = api!.process.pid;
    const applied = Date.now();
    await applyPolicy({ minReplicas: 3 });
    await replicasAre(3);
    const tookMs = Date.now() - applied;
    expect(await lastDecision()).toMatchObject({ reason: 'PolicyChanged', replicas: 3 });
    expect(api!.process.pid).toBe(pid);
    expect(api!.process.exitCode).toBeNull();
    console.log(`kubectl apply -> Deployment at 3 replicas: ${tookMs} ms (resync is 3,600 s)`);

    const status = (await (await fetch(`${api!.url}/scaling/status`)).json()) as {
      policy: { source: string; minReplicas: number; tiers: unknown[] };
    };
    expect(status.policy).toMatchObject({
      source: 'resource',
      minReplicas: 3,
      tiers: [
        { belowUsers: 10, replicas: 1 },
        { belowUsers: 1000, replicas: 2 },
      ],
    });
    const current = await waitFor('PolicyValid=True and the policy source', async () => {
      const found = await resource();
      return condition(found, 'PolicyValid')?.status === 'True' ? found : undefined;
    });
    expect(current.status?.policySource).toBe('resource');
    expect(await kubectl('get', 'ksc', RESOURCE, '--namespace', namespace)).toMatch(
      /POLICY\s+AGE[\s\S]*\sresource\s+\S+\s*$/,
    );
  });

  it('the API server refuses a bad policy with the CEL message, and nothing changes', async () => {
    const before = (await resource()).metadata.generation;
    await expect(
      applyFails({
        tiers: [
          { belowUsers: 100, replicas: 2 },
          { belowUsers: 50, replicas: 3 },
        ],
      }),
    ).resolves.toContain('tiers must have strictly increasing belowUsers');
    await expect(applyFails({ minReplicas: 5, maxReplicas: 4 })).resolves.toMatch(
      /spec\.policy\.minReplicas: Invalid value: .*minReplicas must not be greater than maxReplicas/,
    );
    await expect(
      applyFails({
        schedules: [{ name: 'x', start: '0 8 * * *', end: '0 8 * * *', minReplicas: 2 }],
      }),
    ).resolves.toContain('start and end must differ');
    await expect(
      applyFails({
        schedules: [{ name: 'x', start: '0 8 * *', end: '0 9 * * *', minReplicas: 2 }],
      }),
    ).resolves.toContain('start must be a cron expression of 5 fields');
    await expect(applyFails({ minReplicas: -1 })).resolves.toContain(
      'spec.policy.minReplicas: Invalid value: -1',
    );
    expect((await resource()).metadata.generation).toBe(before);
    expect(await deploymentReplicas(namespace)).toBe(3);
  });

  it('a bad time zone gives PolicyValid=False and a Warning; the last valid policy keeps deciding', async () => {
    await applyPolicy({
      minReplicas: 5,
      schedules: [
        {
          name: 'office-hours',
          start: '0 8 * * 1-5',
          end: '0 18 * * 1-5',
          timeZone: 'Mars/Olympus',
          minReplicas: 6,
        },
      ],
    });
    const invalid = await waitFor('PolicyValid=False', async () => {
      const found = await resource();
      const policyValid = condition(found, 'PolicyValid');
      return policyValid?.status === 'False' ? policyValid : undefined;
    });
    expect(invalid).toMatchObject({
      reason: 'InvalidPolicy',
      message:
        'spec.policy.schedules[0].timeZone "Mars/Olympus" is not an IANA time zone name (such as Asia/Seoul, Europe/Berlin or UTC). The api keeps the last valid spec.policy until this is fixed',
    });
    const events = await kubectl('describe', 'ksc', RESOURCE, '--namespace', namespace);
    expect(events).toMatch(/Warning\s+InvalidPolicy\s+.*Mars\/Olympus/);
    // No part of it applies (not minReplicas 5): 3 holds, and a login still decides with minReplicas 3.
    await sleep(1_000);
    expect(await deploymentReplicas(namespace)).toBe(3);
    await logIn();
    await waitFor('a decision for 2 active users', async () => {
      const page = (await (await fetch(`${api!.url}/scaling/status`)).json()) as {
        activeUsers: number;
        desiredReplicas: number;
        policy: { invalid: string | null; minReplicas: number };
      };
      return page.activeUsers === 2 && page.desiredReplicas === 3 && page.policy.minReplicas === 3
        ? page
        : undefined;
    });

    // Fixed: applied at once, PolicyValid=True.
    await applyPolicy({
      minReplicas: 5,
      schedules: [
        {
          name: 'office-hours',
          start: '0 8 * * 1-5',
          end: '0 18 * * 1-5',
          timeZone: 'Asia/Seoul',
          minReplicas: 6,
        },
      ],
    });
    await waitFor(
      'PolicyValid=True',
      async () => condition(await resource(), 'PolicyValid')?.status === 'True',
    );
    await replicasAre(await expectedWithOfficeHours());
  });

  it('a schedule window that opens at the next minute raises the replicas with ScheduleMinimum and closes on time', async () => {
    const now = new Date();
    // Opens at the next whole minute (the one after, when it is too close), closes a minute later.
    const opens = new Date(now);
    opens.setUTCSeconds(0, 0);
    opens.setUTCMinutes(opens.getUTCMinutes() + (now.getUTCSeconds() > 45 ? 2 : 1));
    const closes = new Date(opens.getTime() + 60_000);
    const cron = (at: Date) => `${at.getUTCMinutes()} ${at.getUTCHours()} * * *`;
    await applyPolicy({
      minReplicas: 1,
      scaleDown: { stabilizationSeconds: 0 },
      schedules: [
        { name: 'launch', start: cron(opens), end: cron(closes), timeZone: 'UTC', minReplicas: 4 },
      ],
    });
    await replicasAre(1);
    await replicasAre(4, opens.getTime() - Date.now() + 5_000);
    const openedLate = Date.now() - opens.getTime();
    expect(await lastDecision()).toMatchObject({ reason: 'ScheduleMinimum', replicas: 4 });
    await replicasAre(1, closes.getTime() - Date.now() + 5_000);
    const closedLate = Date.now() - closes.getTime();
    expect(closedLate).toBeGreaterThanOrEqual(0);
    expect(await lastDecision()).toMatchObject({ reason: 'TierMatched', replicas: 1 });
    console.log(
      `window launch: Deployment up ${openedLate} ms after it opened, down ${closedLate} ms after it closed`,
    );
    const page = (await (await fetch(`${api!.url}/scaling/decisions?limit=5`)).json()) as {
      items: Array<{ reason: string; message: string; steps: Array<{ rule: string }> }>;
    };
    const raised = page.items.find((item) => item.reason === 'ScheduleMinimum');
    expect(raised?.message).toMatch(/4 replicas, schedule launch min 4 until \d\d:\d\d UTC/);
    expect(raised?.steps.map((step) => step.rule)).toEqual(['tier', 'schedule']);
  }, 200_000);

  it('a forecast scales up ahead of a login ramp', async () => {
    // 2 active users now, 1 more per second: 10 (the next tier) is about 8 s away.
    await applyPolicy({ minReplicas: 1, forecast: { lookaheadSeconds: 20, windowSeconds: 20 } });
    await replicasAre(1);
    let scaledAt: number | undefined;
    for (let i = 0; i < 7 && scaledAt === undefined; i++) {
      await logIn();
      await sleep(1_000);
      if ((await deploymentReplicas(namespace)) === 2) scaledAt = users;
    }
    expect(scaledAt).toBeDefined();
    expect(scaledAt!).toBeLessThan(10); // Ready for the tier before the users reach it
    const decision = await lastDecision();
    expect(decision).toMatchObject({ reason: 'Forecast', replicas: 2 });
    console.log(
      `forecast: 2 replicas asked for at ${scaledAt} active users (the tier starts at 10)`,
    );
  }, 60_000);

  /** With office-hours (Asia/Seoul, weekdays 08:00-18:00, min 6) and minReplicas 5: 6 when open, else 5. */
  async function expectedWithOfficeHours(): Promise<number> {
    const seoul = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Seoul',
      weekday: 'short',
      hour: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(new Date());
    const day = seoul.find((part) => part.type === 'weekday')?.value ?? '';
    const hour = Number(seoul.find((part) => part.type === 'hour')?.value);
    return !['Sat', 'Sun'].includes(day) && hour >= 8 && hour < 18 ? 6 : 5;
  }
});
