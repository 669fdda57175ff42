import { Agent as HttpsAgent } from 'node:https';
import { HttpMethod, RequestContext } from '#kubernetes-client';
import { KeepAliveKubeConfig } from './keep-alive-kube-config.js';

function configFor(server: string): KeepAliveKubeConfig {
  const kubeConfig = new KeepAliveKubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'c', server, skipTLSVerify: false }],
    users: [{ name: 'u', token: 'secret-token' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kubeConfig;
}

async function agentOfCall(kubeConfig: KeepAliveKubeConfig) {
  const context = new RequestContext('https://127.0.0.1:6443/api/v1/namespaces', HttpMethod.GET);
  await kubeConfig.applySecurityAuthentication(context);
  return { agent: context.getAgent(), headers: context.getHeaders() };
}

describe('KeepAliveKubeConfig', () => {
  it('gives every API call the same keep-alive agent, so connections are reused', async () => {
    const kubeConfig = configFor('https://127.0.0.1:6443');
    const first = await agentOfCall(kubeConfig);
    const second = await agentOfCall(kubeConfig);
    expect(first.agent).toBeInstanceOf(HttpsAgent);
    expect(second.agent).toBe(first.agent);
    expect((first.agent as HttpsAgent & { keepAlive: boolean }).keepAlive).toBe(true);
    // Authentication still travels with each call.
    expect(second.headers.Authorization).toBe('Bearer secret-token');
  });

  it('keeps one pool per client certificate, so a rotated certificate gets fresh connections', async () => {
    const kubeConfig = new KeepAliveKubeConfig();
    const withCertificate = (pem: string) =>
      kubeConfig.loadFromOptions({
        clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', skipTLSVerify: false }],
        users: [
          {
            name: 'u',
            certData: Buffer.from(`-----BEGIN CERTIFICATE-----\n${pem}\n`).toString('base64'),
            keyData: Buffer.from('-----BEGIN PRIVATE KEY-----\nkey\n').toString('base64'),
          },
        ],
        contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
        currentContext: 'x',
      });
    withCertificate('first');
    const first = await agentOfCall(kubeConfig);
    expect((first.agent as HttpsAgent).options.cert).toEqual(
      Buffer.from('-----BEGIN CERTIFICATE-----\nfirst\n'),
    );
    withCertificate('rotated');
    const rotated = await agentOfCall(kubeConfig);
    withCertificate('first');
    const firstAgain = await agentOfCall(kubeConfig);
    expect(rotated.agent).not.toBe(first.agent);
    expect(firstAgain.agent).toBe(first.agent);
  });

  it('keeps separate pools for separate configurations', async () => {
    const one = await agentOfCall(configFor('https://127.0.0.1:6443'));
    const other = await agentOfCall(configFor('https://127.0.0.1:6444'));
    expect(other.agent).not.toBe(one.agent);
  });
});
