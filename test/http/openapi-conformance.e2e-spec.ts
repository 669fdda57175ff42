import { request as httpRequest } from 'node:http';
import { resolve } from 'node:path';
import { apiEnv } from '../support/api-process.js';
import { migrateDatabase, startApp, type AppProcess } from '../support/app-process.js';
import { applyCrd } from '../support/custom-resource.js';
import { dropDatabase, freshDatabase } from '../support/database.js';
import { expectErrorBody } from '../support/error-body.js';
import { HttpUser } from '../support/http-user.js';
import { createNamespace, deleteNamespace } from '../support/namespaces.js';
import {
  eventStreamOperations,
  fetchOpenApiDocument,
  operationsDeclaring,
  operationsOf,
  requestBodyExample,
  type OpenApiDocument,
} from '../support/openapi-document.js';
import { installChartRbac } from '../support/rbac.js';
import { runSchemathesis, warningsOf, type SchemathesisRun } from '../support/schemathesis.js';
import { readEvents } from '../support/event-stream.js';

/** Test cases per operation and phase; enough for well over MIN_GENERATED in all. */
const MAX_EXAMPLES = process.env.KIADA_SCHEMATHESIS_MAX_EXAMPLES ?? '300';
const MIN_GENERATED = 1000;
const CONFIG_FILE = resolve('test/http/schemathesis.toml');
/** KIADA_SCHEMATHESIS_SEED=<the seed a failed run printed> replays that run's inputs. */
const SEED = process.env.KIADA_SCHEMATHESIS_SEED;

/** A request with any method (fetch refuses TRACE); resolves to its status, headers and body. */
function send(
  method: string,
  url: string,
): Promise<{ status: number; allow: string | undefined; body: string }> {
  return new Promise((resolveResponse, reject) => {
    const outgoing = httpRequest(url, { method }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () =>
        resolveResponse({
          status: response.statusCode ?? 0,
          allow: response.headers.allow,
          body,
        }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** The seed as st printed it (the JSON report's number is too large for a JS number). */
function seedOf(run: SchemathesisRun): string {
  return /^Seed: (\d+)$/m.exec(run.output)?.[1] ?? String(run.report.seed);
}

/** A run's figures, printed for the record (docs/testing.md, "OpenAPI conformance"). */
function summary(name: string, run: SchemathesisRun): string {
  const { report } = run;
  const findings = report.failures.reduce((sum, failure) => sum + failure.count, 0);
  return (
    `${name}: ${report.test_cases.generated} generated requests, ${findings} findings, ` +
    `${report.errors.length} errors, ${report.operations.tested}/${report.operations.selected} operations, ` +
    `${report.auth.reauth_count} re-logins, ${report.running_time.toFixed(1)} s, ` +
    `schemathesis ${report.schemathesis_version}, seed ${seedOf(run)}`
  );
}

/** Failures, errors and exit code in one value, so a failed run shows all of it at once. */
function outcome(run: SchemathesisRun) {
  return {
    exitCode: run.exitCode,
    failures: run.report.failures,
    errors: run.report.errors,
  };
}

/** A user who logs in and out every 300 ms until stopped: a decision each time. */
function keepDeciding(baseUrl: string): { stop(): Promise<void>; changes(): number } {
  const user = new HttpUser(baseUrl, `stream-activity-${Date.now()}`);
  let running = true;
  let changes = 0;
  const loop = (async () => {
    await user.signUp();
    while (running) {
      await user.logIn();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await user.logOut();
      await new Promise((resolve) => setTimeout(resolve, 300));
      changes += 2;
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
    },
    changes: () => changes,
  };
}

/**
 * The API is what its OpenAPI document says: schemathesis generates requests for every
 * operation of the app's own /docs-json (valid and invalid ones, undeclared methods,
 * missing auth) and checks every response against the document with all of its checks.
 * The app runs as users run it: the api role as a process, on MariaDB, writing its
 * KiadaServiceCount to a real API server with the chart's RBAC.
 */
describe('OpenAPI conformance: schemathesis over /docs-json, all checks', () => {
  let namespace: string | undefined;
  let databaseUrl: string | undefined;
  let env: Record<string, string>;
  let api: AppProcess | undefined;
  let document: OpenApiDocument;
  let credentials: { username: string; password: string };

  beforeAll(async () => {
    await applyCrd();
    namespace = await createNamespace('openapi');
    await installChartRbac(namespace);
    databaseUrl = await freshDatabase('openapi');
    await migrateDatabase(databaseUrl);
    // Throttling off (apiEnv): at the default limit almost every generated sign-up and
    // log-in would be a 429 before validation, leaving the contract behind it untested
    // (and the suite's own log-ins throttled). The throttled run below covers 429.
    // One replica per active user (tiers below 1 and 2, then a step of 1), no scale-down
    // window: every log-in and log-out is a decision, for the stream's `decision` events.
    env = await apiEnv(namespace, databaseUrl, {
      SCALING_TIERS: '1:1,2:2',
      SCALING_STEP_USERS: '1',
      SCALING_MIN_REPLICAS: '1',
      SCALING_STABILIZATION_SECONDS: '0',
    });
    api = await startApp('api', env);
    document = await fetchOpenApiDocument(api.url);
    // The document's example credentials are a real user: the examples phase logs in with
    // them, and so does the suite for the operations that need the session.
    const example = requestBodyExample(document, 'POST /auth/signup');
    credentials = { username: String(example.username), password: String(example.password) };
    const user = new HttpUser(api.url, credentials.username, credentials.password);
    await user.signUp();
    await user.logIn();
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    if (namespace) await deleteNamespace(namespace);
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it(`every operation answers as documented: at least ${MIN_GENERATED} generated requests, logged in where needed, no finding`, async () => {
    // Streams are read up to max-stream-events (schemathesis.toml) and every event checked
    // against the document's itemSchema; logins and logouts meanwhile make decisions, so the
    // stream sends `decision` events as well as `point`s.
    expect(eventStreamOperations(document)).toEqual(['GET /scaling/stream']);
    const activity = keepDeciding(api!.url);
    const run = await runSchemathesis({
      label: 'openapi-conformance',
      schemaUrl: `${api!.url}/docs-json`,
      configFile: CONFIG_FILE,
      env: { KIADA_FUZZ_USERNAME: credentials.username, KIADA_FUZZ_PASSWORD: credentials.password },
      args: [
        '--checks',
        'all',
        '--max-examples',
        MAX_EXAMPLES,
        '--request-timeout',
        '10',
        ...(SEED ? ['--seed', SEED] : []),
      ],
    }).finally(() => activity.stop());
    console.log(summary('openapi-conformance', run));
    console.log(`${activity.changes()} log-ins and log-outs during the run, each a decision`);

    expect(outcome(run)).toEqual({ exitCode: 0, failures: [], errors: [] });
    // No operation left untested, none answered only 401 (the session works), no other warning.
    expect(run.report.operations.tested).toBe(operationsOf(document).length);
    expect(run.requests.filter((sent) => sent.path === '/scaling/stream').length).toBeGreaterThan(
      0,
    );
    expect(warningsOf(run.report)).toEqual({});
    expect(run.report.auth.reauth_broke).toBe(false);
    expect(run.report.test_cases.generated).toBeGreaterThanOrEqual(MIN_GENERATED);
  }, 600_000);

  it('the throttled operations answer 429 as documented (error shape, Retry-After)', async () => {
    const throttled = operationsDeclaring(document, '429');
    expect(throttled).toEqual(expect.arrayContaining(['POST /auth/signup', 'POST /auth/login']));
    // A second api on the same database with a limit of 2 per window: nearly every request is a 429.
    const limited = await startApp('api', {
      ...env,
      AUTH_THROTTLE_LIMIT: '2',
      AUTH_THROTTLE_TTL_SECONDS: '600',
    });
    try {
      const attempt = () =>
        fetch(`${limited.url}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(credentials),
        });
      expect([(await attempt()).status, (await attempt()).status]).toEqual([200, 200]);
      expect((await attempt()).status).toBe(429);
      const run = await runSchemathesis({
        label: 'openapi-conformance-throttled',
        schemaUrl: `${limited.url}/docs-json`,
        args: [
          '--checks',
          'all',
          '--max-examples',
          '30',
          ...(SEED ? ['--seed', SEED] : []),
          ...throttled.flatMap((name) => ['--include-name', name]),
        ],
      });
      console.log(summary('openapi-conformance-throttled', run));

      expect(outcome(run)).toEqual({ exitCode: 0, failures: [], errors: [] });
      // Every throttled operation got 429s, and schemathesis checked them all without a finding.
      for (const operation of throttled) {
        const [method, path] = operation.split(' ');
        const statuses = run.requests
          .filter((sent) => sent.method === method && sent.path === path)
          .map((sent) => sent.status);
        expect({ operation, got429: statuses.includes(429) }).toEqual({ operation, got429: true });
      }
      const tooMany = run.requests.filter((sent) => sent.status === 429).length;
      console.log(`${tooMany} of ${run.requests.length} requests answered 429`);
    } finally {
      await limited.stop();
    }
  }, 300_000);

  it('the stream sends what its itemSchema says: point, decision with its steps, ping', async () => {
    const item = (
      document.paths['/scaling/stream'].get.responses?.['200'].content?.['text/event-stream'] as {
        itemSchema: { oneOf: Array<{ properties: { event: { enum: string[] } } }> };
      }
    ).itemSchema;
    expect(item.oneOf.map((alternative) => alternative.properties.event.enum)).toEqual([
      ['point'],
      ['decision'],
      ['ping'],
    ]);
    const user = new HttpUser(api!.url, `stream-${Date.now()}`);
    await user.signUp();
    // The first point at once, a decision when the user logs in, a ping after 20 quiet seconds.
    const events = readEvents(`${api!.url}/scaling/stream`, ['point', 'decision', 'ping'], 30_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await user.logIn();
    const seen = await events;
    const point = JSON.parse(seen.point.data) as Record<string, unknown>;
    expect(Object.keys(point)).toEqual(
      expect.arrayContaining([
        'activeUsers',
        'desiredReplicas',
        'trace',
        'policySource',
        'openSchedules',
      ]),
    );
    const decision = JSON.parse(seen.decision.data) as { reason: string; steps: unknown[] };
    expect(decision.steps).toEqual([
      expect.objectContaining({
        rule: expect.any(String),
        reason: expect.any(String),
        note: expect.any(String),
      }),
    ]);
    expect(seen.ping).toEqual({ event: 'ping', data: '', id: expect.any(String) });
  }, 60_000);

  it('an undeclared method on a known path is a 405 with Allow; OPTIONS lists the methods', async () => {
    const trace = await send('TRACE', `${api!.url}/auth/login`);
    expect(trace.status).toBe(405);
    expect(trace.allow).toBe('POST, OPTIONS');
    const body = JSON.parse(trace.body) as { message: string };
    expectErrorBody(body, 405);
    expect(body.message).toBe('TRACE is not supported on /auth/login: use POST, OPTIONS.');

    const put = await send('PUT', `${api!.url}/scaling/status`);
    expect(put.status).toBe(405);
    expect(put.allow).toBe('GET, HEAD, OPTIONS');

    const options = await send('OPTIONS', `${api!.url}/auth/me`);
    expect(options.status).toBe(204);
    expect(options.allow).toBe('GET, HEAD, OPTIONS');

    // HEAD is served wherever GET is; unknown paths stay 404.
    expect((await send('HEAD', `${api!.url}/scaling/status`)).status).toBe(200);
    expect((await send('TRACE', `${api!.url}/no/such/path`)).status).toBe(404);
  });
});
