import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Logger } from '@nestjs/common';
import { InMemoryCustomResourceDefinitions } from '../kubernetes/testing/in-memory-crds.js';
import { CrdSchemaService } from './crd-schema.service.js';

const NAME = 'kiadaservicecounts.hanyang.ac.kr';
const version = (properties: Record<string, unknown>) => ({
  name: 'v1',
  served: true,
  storage: true,
  schema: {
    openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties } } },
  },
});
const OLD_SPEC = {
  group: 'hanyang.ac.kr',
  scope: 'Namespaced',
  versions: [version({ owner: {} })],
};
const NEW_SPEC = {
  group: 'hanyang.ac.kr',
  scope: 'Namespaced',
  versions: [version({ owner: {}, policy: { 'x-kubernetes-validations': [{ rule: 'true' }] } })],
};

describe('CrdSchemaService (the crds role)', () => {
  let crds: InMemoryCustomResourceDefinitions;
  let manifestPath: string;
  const service = () => new CrdSchemaService(crds, manifestPath);

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

  afterEach(() => rmSync(dirname(manifestPath), { recursive: true, force: true }));

  beforeEach(() => {
    crds = new InMemoryCustomResourceDefinitions();
    manifestPath = join(mkdtempSync(join(tmpdir(), 'kiada-crd-')), 'crd.json');
    writeFileSync(
      manifestPath,
      JSON.stringify({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: NAME },
        spec: NEW_SPEC,
      }),
    );
  });

  it('replaces the schema of a CRD an older chart installed, on the version it read', async () => {
    crds.seed(NAME, OLD_SPEC);
    await expect(service().apply()).resolves.toBe(true);
    expect(crds.spec(NAME)).toEqual(NEW_SPEC);
  });

  it("writes nothing more once the schema is the chart's (a second upgrade)", async () => {
    crds.seed(NAME, OLD_SPEC);
    await service().apply();
    await expect(service().apply()).resolves.toBe(false);
    expect(crds.spec(NAME)).toEqual(NEW_SPEC);
  });

  it('reads again and retries when the CRD changed between its read and its write', async () => {
    crds.seed(NAME, OLD_SPEC);
    crds.failNext('patchCustomResourceDefinitionSpec', 409);
    await expect(service().apply()).resolves.toBe(true);
    expect(crds.callsOf('getCustomResourceDefinition')).toHaveLength(2);
    expect(crds.spec(NAME)).toEqual(NEW_SPEC);
  });

  it("gives up after three conflicts in a row, with the API server's error", async () => {
    crds.seed(NAME, OLD_SPEC);
    crds.failNext('patchCustomResourceDefinitionSpec', 409, 3);
    await expect(service().apply()).rejects.toMatchObject({ statusCode: 409 });
    expect(crds.spec(NAME)).toEqual(OLD_SPEC);
  });

  it('creates no CRD: a missing one is an error that says how to make it', async () => {
    await expect(service().apply()).rejects.toThrow(
      `CustomResourceDefinition ${NAME} does not exist: helm install creates it from the chart's crds/`,
    );
    expect(crds.callsOf('patchCustomResourceDefinitionSpec')).toEqual([]);
  });

  it('refuses a manifest that is not JSON, naming the file', async () => {
    writeFileSync(manifestPath, 'kind: CustomResourceDefinition\n');
    crds.seed(NAME, OLD_SPEC);
    await expect(service().apply()).rejects.toThrow(`${manifestPath} is not JSON`);
    expect(crds.spec(NAME)).toEqual(OLD_SPEC);
  });
});
