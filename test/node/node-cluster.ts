import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { Watch, type V1Pod } from '@kubernetes/client-node';
import { adminKubeConfig, kubectl } from '../support/kubernetes.js';

const run = promisify(execFile);

/** The images test/node/run.sh built and loaded into the cluster's nodes (test/node/images.sh). */
export interface NodeImages {
  app: string;
  mariadb: string;
  kiada: string;
  tools: string;
  busybox: string;
}

/** The image references from KIADA_NODE_IMAGE_*; fails naming the way to set them. */
export function nodeImages(): NodeImages {
  const read = (name: string): string => {
    const value = process.env[`KIADA_NODE_IMAGE_${name}`];
    if (!value) {
      throw new Error(
        `KIADA_NODE_IMAGE_${name} is not set: run the real-node suite through bash test/node/run.sh, which builds and loads the images`,
      );
    }
    return value;
  };
  return {
    app: read('APP'),
    mariadb: read('MARIADB'),
    kiada: read('KIADA'),
    tools: read('TOOLS'),
    busybox: read('BUSYBOX'),
  };
}

/** `repository:tag` split at the tag's colon (a registry port's colon stays in the repository). */
export function splitImage(reference: string): { repository: string; tag: string } {
  const colon = reference.lastIndexOf(':');
  if (colon <= reference.lastIndexOf('/')) return { repository: reference, tag: 'latest' };
  return { repository: reference.slice(0, colon), tag: reference.slice(colon + 1) };
}

/** The chart's values that put every image on the ones test/node/run.sh loaded (never pulled). */
export function nodeImageValues(images: NodeImages = nodeImages()): string {
  const image = (reference: string) => ({ ...splitImage(reference), pullPolicy: 'Never' });
  return JSON.stringify({
    image: image(images.app),
    mysql: { image: image(images.mariadb) },
    kiada: { image: image(images.kiada) },
    tests: { image: image(images.tools) },
  });
}

/** `helm <args>` from PATH, against KUBECONFIG's cluster. */
export async function helm(...args: string[]): Promise<string> {
  const { stdout } = await run('helm', args, { env: process.env, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** Percentile by nearest rank (p in 0..100) of a non-empty list. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** Whether the pod's Ready condition is True. */
export function podReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** When (this process' clock, ms) each pod of a namespace was first seen Ready, from a watch. */
export class ReadyPods {
  readonly readyAt = new Map<string, { name: string; at: number; pod: V1Pod }>();
  private abort?: AbortController;
  private stopped = false;

  constructor(private readonly namespace: string) {}

  async start(): Promise<void> {
    const watch = new Watch(adminKubeConfig());
    const path = `/api/v1/namespaces/${this.namespace}/pods`;
    const onEvent = (_type: string, pod: V1Pod) => {
      const uid = pod.metadata?.uid;
      if (uid && podReady(pod) && !this.readyAt.has(uid)) {
        this.readyAt.set(uid, { name: pod.metadata!.name!, at: Date.now(), pod });
      }
    };
    const onDone = () => {
      if (!this.stopped) void this.start(); // the API server closes watches now and then
    };
    this.abort = await watch.watch(path, {}, onEvent, onDone);
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
  }

  /** Pods with this label value first seen Ready after `since`. */
  readySince(since: number, label: string, value: string) {
    return [...this.readyAt.values()].filter(
      (p) => p.at >= since && p.pod.metadata?.labels?.[label] === value,
    );
  }
}

/** A `kubectl port-forward` to a Service or pod, on a free local port. */
export class PortForward {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  /** Starts `kubectl port-forward <target> :<remotePort>` and waits for its local port. */
  static async open(namespace: string, target: string, remotePort: number): Promise<PortForward> {
    const child = spawn(
      'kubectl',
      ['port-forward', '--namespace', namespace, target, `:${remotePort}`],
      { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`kubectl port-forward ${target} gave no port in 30 s: ${output}`));
      }, 30_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`kubectl port-forward ${target} exited (${code}): ${output}`));
      });
    });
    return new PortForward(child, port);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  close(): void {
    this.child.kill();
  }
}

/** The first pod of `selector` in `namespace`, by name, that is Ready; undefined if none. */
export async function readyPodNames(namespace: string, selector: string): Promise<string[]> {
  const pods = JSON.parse(
    await kubectl('get', 'pods', '-n', namespace, '-l', selector, '-o', 'json'),
  ) as { items: V1Pod[] };
  return pods.items
    .filter((p) => podReady(p) && !p.metadata?.deletionTimestamp)
    .map((p) => p.metadata!.name!);
}

/** Memory of a pod's container from its cgroup (v1 or v2): usage and working set in MiB. */
export async function containerMemoryMiB(
  namespace: string,
  pod: string,
): Promise<{ usage: number; workingSet: number }> {
  const script = [
    'if [ -f /sys/fs/cgroup/memory.current ]; then',
    '  u=$(cat /sys/fs/cgroup/memory.current); i=$(sed -n "s/^inactive_file //p" /sys/fs/cgroup/memory.stat)',
    'else',
    '  u=$(cat /sys/fs/cgroup/memory/memory.usage_in_bytes); i=$(sed -n "s/^total_inactive_file //p" /sys/fs/cgroup/memory/memory.stat)',
    'fi',
    'echo "$u ${i:-0}"',
  ].join('\n');
  const out = await kubectl('exec', '-n', namespace, pod, '--', 'sh', '-c', script);
  const [usage, inactive] = out.trim().split(/\s+/).map(Number);
  const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
  return { usage: mib(usage), workingSet: mib(usage - inactive) };
}
