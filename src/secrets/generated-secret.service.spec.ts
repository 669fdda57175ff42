import { Test } from '@nestjs/testing';
import { AppConfigModule, loadConfig } from '../config/index.js';
import { KubernetesApiError } from '../kubernetes/kubernetes-api.error.js';
import { SecretApi } from '../kubernetes/ports/secret.api.js';
import { InMemorySecrets } from '../kubernetes/testing/in-memory-secrets.js';
import { GeneratedSecretService } from './generated-secret.service.js';

const ENV = {
  APP_ROLE: 'secrets',
  POD_NAME: 'kiada-secrets-abc12',
  GENERATED_SECRET_NAMESPACE: 'kiada',
  GENERATED_SECRET_NAME: 'kiada-generated',
  GENERATED_SECRET_KEYS: 'session-secret,mysql-password',
  GENERATED_SECRET_ADOPT_FROM: 'kiada,kiada-mysql',
};

async function service(fake: InMemorySecrets, env: Record<string, string> = {}) {
  const moduleRef = await Test.createTestingModule({
    imports: [AppConfigModule.forRoot(loadConfig({ ...ENV, ...env }))],
    providers: [GeneratedSecretService, { provide: SecretApi, useValue: fake }],
  }).compile();
  return moduleRef.get(GeneratedSecretService);
}

describe('GeneratedSecretService', () => {
  let fake: InMemorySecrets;

  beforeEach(() => {
    fake = new InMemorySecrets();
  });

  it('creates the Secret with a random value per key, labelled, without the instance label', async () => {
    await (await service(fake)).ensure();
    const text = fake.text('kiada', 'kiada-generated')!;
    expect(Object.keys(text).sort()).toEqual(['mysql-password', 'session-secret']);
    expect(text['session-secret']).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(text['mysql-password']).not.toBe(text['session-secret']);
    const { metadata } = fake.stored('kiada', 'kiada-generated')!;
    expect(metadata.labels).toEqual({
      'app.kubernetes.io/part-of': 'kiada-autoscaler',
      'app.kubernetes.io/component': 'generated-secret',
      'app.kubernetes.io/managed-by': 'kiada-autoscaler',
    });
    expect(metadata.annotations).toEqual({
      'kiada-autoscaler.hanyang.ac.kr/created-by': 'kiada-secrets-abc12',
    });
  });

  it('leaves a complete Secret alone: run twice, it writes once', async () => {
    await (await service(fake)).ensure();
    const first = fake.text('kiada', 'kiada-generated');
    await expect((await service(fake)).ensure()).resolves.toEqual({ action: 'none' });
    expect(fake.text('kiada', 'kiada-generated')).toEqual(first);
    expect(fake.callsOf('createSecret')).toHaveLength(1);
    expect(fake.callsOf('addSecretData')).toHaveLength(0);
  });

  it('adds a key the values now need, at the version it read, keeping the others', async () => {
    fake.seed('kiada', 'kiada-generated', { 'session-secret': 'kept-session-secret' });
    const version = fake.stored('kiada', 'kiada-generated')!.metadata.resourceVersion;
    await (await service(fake)).ensure();
    expect(fake.callsOf('addSecretData')).toEqual([
      ['kiada', 'kiada-generated', { 'mysql-password': expect.any(String) }, version],
    ]);
    expect(fake.text('kiada', 'kiada-generated')).toEqual({
      'session-secret': 'kept-session-secret',
      'mysql-password': expect.stringMatching(/^[A-Za-z0-9]{48}$/),
    });
  });

  it('takes the values an earlier chart version kept, so sessions and MySQL survive the upgrade', async () => {
    fake.seed('kiada', 'kiada', { 'session-secret': 'old-session-secret', 'database-url': 'x' });
    fake.seed('kiada', 'kiada-mysql', { 'mysql-password': 'old-mysql-password' });
    await (await service(fake)).ensure();
    expect(fake.text('kiada', 'kiada-generated')).toEqual({
      'session-secret': 'old-session-secret',
      'mysql-password': 'old-mysql-password',
    });
  });

  it('plans again from what is there when another writer got in first (409)', async () => {
    fake.failNext('createSecret', 409);
    await (await service(fake)).ensure();
    expect(fake.callsOf('createSecret')).toHaveLength(2);
    expect(fake.text('kiada', 'kiada-generated')).toBeDefined();
  });

  it('fails on what retrying cannot cure (403: RBAC), naming the call', async () => {
    fake.failNext('getSecret', 403);
    await expect((await service(fake)).ensure()).rejects.toBeInstanceOf(KubernetesApiError);
    expect(fake.callsOf('createSecret')).toHaveLength(0);
  });
});
