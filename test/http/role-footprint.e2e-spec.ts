import { migrateDatabase, runToEnd, startApp, type AppProcess } from '../support/app-process.js';
import { dropDatabase, freshDatabase } from '../support/database.js';
import { recordLoadedModules, type ModuleRecorder } from '../support/loaded-modules.js';
import { TEST_SESSION_SECRET } from '../support/nest-app.js';
import { fetchOpenApiDocument } from '../support/openapi-document.js';

const SWAGGER = '/node_modules/@nestjs/swagger/';
const CLIENT_PACKAGE = '/node_modules/@kubernetes/client-node/';
const CLIENT_BUNDLE = '/vendor/kubernetes-client-node.js';

/**
 * Each role loads what it serves: the operator builds no OpenAPI document, so it must not
 * load @nestjs/swagger (0.25 s of its start-up and 5 MB; docs/benchmarks.md). The api,
 * which serves /docs, does: the same recorder seeing it there shows the check can fail.
 * Both load the Kubernetes client as one bundled file, not the package's 830 modules.
 */
describe('what each role loads (the built app)', () => {
  let recorder: ModuleRecorder | undefined;
  let app: AppProcess | undefined;
  let databaseUrl: string | undefined;

  afterEach(async () => {
    await app?.stop();
    app = undefined;
    recorder?.remove();
  });
  afterAll(async () => {
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('the operator serves /metrics without loading @nestjs/swagger, with the bundled client', async () => {
    recorder = recordLoadedModules();
    app = await startApp('operator', { KUBECONFIG: '/dev/null' }, { nodeArgs: recorder.nodeArgs });
    expect((await fetch(`${app.url}/metrics`)).status).toBe(200);
    const loaded = recorder.loaded();
    expect(loaded.some((url) => url.includes('/dist/operator/'))).toBe(true);
    expect(loaded.filter((url) => url.includes(SWAGGER))).toEqual([]);
    expect(loaded.filter((url) => url.includes(CLIENT_PACKAGE))).toEqual([]);
    expect(loaded.filter((url) => url.endsWith(CLIENT_BUNDLE))).toHaveLength(1);
  });

  it('the api loads @nestjs/swagger and serves the document', async () => {
    databaseUrl = await freshDatabase('footprint');
    await migrateDatabase(databaseUrl);
    recorder = recordLoadedModules();
    // No cluster: the document does not need one.
    app = await startApp(
      'api',
      { DATABASE_URL: databaseUrl, SESSION_SECRET: TEST_SESSION_SECRET, KUBECONFIG: '/dev/null' },
      { nodeArgs: recorder.nodeArgs },
    );
    const document = await fetchOpenApiDocument(app.url);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz']));
    const loaded = recorder.loaded();
    expect(loaded.some((url) => url.includes(SWAGGER))).toBe(true);
    expect(loaded.filter((url) => url.includes(CLIENT_PACKAGE))).toEqual([]);
  });

  it('the secrets role loads its own code and the bundled client, no database, auth or swagger', async () => {
    recorder = recordLoadedModules();
    // No cluster: it fails on its first call, having loaded all it runs with.
    const result = await runToEnd(
      {
        APP_ROLE: 'secrets',
        KUBECONFIG: '/dev/null',
        GENERATED_SECRET_NAMESPACE: 'kiada',
        GENERATED_SECRET_NAME: 'kiada-autoscaler-generated',
        GENERATED_SECRET_KEYS: 'session-secret',
      },
      recorder.nodeArgs,
    );
    expect(result.exitCode).toBe(1);
    expect(result.output).toContain('the secrets role creates Secrets in a cluster');
    const loaded = recorder.loaded();
    expect(loaded.some((url) => url.includes('/dist/secrets/'))).toBe(true);
    for (const heavy of [
      '/node_modules/typeorm/',
      '/node_modules/@node-rs/argon2',
      '/node_modules/passport',
      SWAGGER,
    ]) {
      expect({ heavy, loaded: loaded.filter((url) => url.includes(heavy)) }).toEqual({
        heavy,
        loaded: [],
      });
    }
    expect(loaded.filter((url) => url.endsWith(CLIENT_BUNDLE))).toHaveLength(1);
  });
});
