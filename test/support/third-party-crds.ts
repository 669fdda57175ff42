import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { loadYaml, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { kubectl } from './kubernetes.js';

const run = promisify(execFile);

/**
 * Applies the CRDs of the chart's optional objects (ServiceMonitor and PrometheusRule of the
 * Prometheus Operator, HTTPRoute of Gateway API), fetched and cached from their Go modules by
 * test/cluster/fetch-crds.sh, and waits until the API server serves them. They stay applied:
 * they are harmless to the other suites and the next run reuses them.
 */
export async function applyThirdPartyCrds(): Promise<string[]> {
  const { stdout } = await run('bash', ['test/cluster/fetch-crds.sh'], { env: process.env });
  const files = stdout.split('\n').filter((line) => line.length > 0);
  if (files.length === 0) throw new Error('test/cluster/fetch-crds.sh printed no CRD file');
  const names: string[] = [];
  for (const file of files) {
    // server-side: the HTTPRoute CRD is too large for the last-applied annotation
    await kubectl(
      'apply',
      '--server-side',
      '--force-conflicts',
      '--field-manager',
      'kiada-e2e',
      '-f',
      file,
    );
    names.push(loadYaml<V1CustomResourceDefinition>(readFileSync(file, 'utf8')).metadata!.name!);
  }
  await kubectl(
    'wait',
    '--for',
    'condition=Established',
    '--timeout',
    '60s',
    ...names.map((name) => `crd/${name}`),
  );
  return names;
}
