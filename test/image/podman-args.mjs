#!/usr/bin/env node
// Turns one container of a rendered Deployment or Job (JSON on stdin, e.g. from
// `kubectl create --dry-run=client -o json`) into `podman run` options, one per line, so that
// the image check runs the image the way the chart's pod spec does: user, read-only root
// filesystem, capabilities, privilege escalation, seccomp, emptyDir and ConfigMap mounts and
// environment.
//
// Usage: ... | node test/image/podman-args.mjs <container name> <pod name>
// Variables the pod spec reads from a Secret or ConfigMap are passed as `--env=NAME`
// (podman copies the value from its own environment): set them in the environment.
// Anything it cannot reproduce (another volume type, args) is an error naming it, so
// the check fails instead of silently running the image differently from the chart.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [containerName, podName] = process.argv.slice(2);
if (!containerName || !podName) fail('usage: podman-args.mjs <container name> <pod name> < rendered.json');

function fail(message) {
  process.stderr.write(`podman-args: ${message}\n`);
  process.exit(1);
}

// One object, a List, or objects one after the other (kubectl's output for a template that
// renders several, e.g. the secrets Job with its ServiceAccount and RBAC).
const objects = readFileSync(0, 'utf8')
  .trim()
  .split(/(?<=^})\n(?={)/m)
  .map((chunk) => JSON.parse(chunk))
  .flatMap((object) => (object.kind === 'List' ? object.items : [object]));
const workloads = objects.filter((o) => ['Deployment', 'Job'].includes(o.kind));
if (workloads.length !== 1) fail(`expected one Deployment or Job on stdin, got ${workloads.length}`);
const workload = workloads[0];
const pod = workload.spec.template.spec;
const container = (pod.containers ?? []).find((c) => c.name === containerName);
if (!container) fail(`${workload.kind} ${workload.metadata.name} has no container "${containerName}"`);
const where = `${workload.kind} ${workload.metadata.name}, container ${containerName}`;
if (container.args) fail(`${where}: args are not reproduced by the check`);

const args = [];
// A pod's `command` replaces the image's entrypoint and, without `args`, its CMD too; so
// does podman's --entrypoint in JSON form (checked: the image's CMD is not appended).
if (container.command) args.push(`--entrypoint=${JSON.stringify(container.command)}`);
const podSecurity = pod.securityContext ?? {};
const security = container.securityContext ?? {};

// --- identity and privileges ------------------------------------------------------------
const user = security.runAsUser ?? podSecurity.runAsUser;
const group = security.runAsGroup ?? podSecurity.runAsGroup ?? user;
if (user === undefined) fail(`${where}: no runAsUser; the check runs the image as the chart's numeric user`);
args.push(`--user=${user}:${group}`);
if (podSecurity.fsGroup !== undefined) args.push(`--group-add=${podSecurity.fsGroup}`);
if (security.readOnlyRootFilesystem) args.push('--read-only', '--read-only-tmpfs=false');
if (security.allowPrivilegeEscalation === false) args.push('--security-opt=no-new-privileges');
for (const capability of security.capabilities?.drop ?? []) args.push(`--cap-drop=${capability}`);
for (const capability of security.capabilities?.add ?? []) args.push(`--cap-add=${capability}`);
const seccomp = (security.seccompProfile ?? podSecurity.seccompProfile)?.type ?? 'RuntimeDefault';
if (seccomp === 'Unconfined') args.push('--security-opt=seccomp=unconfined');
else if (seccomp !== 'RuntimeDefault') fail(`${where}: seccomp profile ${seccomp} is not reproduced by the check`);

// --- volumes: emptyDirs become tmpfs mounts of the same size; a ConfigMap the same template
// renders becomes a directory of its keys, mounted read-only (as the kubelet mounts it) ---
const quantity = (value) => {
  const match = /^(\d+)(Ki|Mi|Gi)?$/.exec(String(value));
  if (!match) fail(`${where}: cannot convert emptyDir sizeLimit "${value}"`);
  return `${match[1]}${{ Ki: 'k', Mi: 'm', Gi: 'g' }[match[2]] ?? ''}`;
};
const configMapDirectory = (volume) => {
  const { name, items } = volume.configMap;
  const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
  if (!map) fail(`${where}: volume ${volume.name} is ConfigMap ${name}, which the template does not render`);
  if (items) fail(`${where}: volume ${volume.name} picks items of ConfigMap ${name}, which the check does not reproduce`);
  const directory = mkdtempSync(join(tmpdir(), 'kiada-podman-configmap-'));
  chmodSync(directory, 0o755); // the container's user reads it
  for (const [key, value] of Object.entries(map.data ?? {})) writeFileSync(join(directory, key), value, { mode: 0o644 });
  return directory;
};
for (const mount of container.volumeMounts ?? []) {
  const volume = (pod.volumes ?? []).find((v) => v.name === mount.name);
  if (volume?.emptyDir) {
    const size = volume.emptyDir.sizeLimit ? `,size=${quantity(volume.emptyDir.sizeLimit)}` : '';
    args.push(`--tmpfs=${mount.mountPath}:rw,mode=1777${size}`);
  } else if (volume?.configMap) {
    args.push(`--volume=${configMapDirectory(volume)}:${mount.mountPath}:ro`);
  } else {
    fail(`${where}: volume ${mount.name} is neither an emptyDir nor a ConfigMap; the check reproduces only those`);
  }
}

// --- environment --------------------------------------------------------------------------
const literal = new Map();
const expand = (name, value) =>
  value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (reference, variable) => {
    if (!literal.has(variable)) fail(`${where}: ${name} refers to $(${variable}), which the check cannot expand`);
    return literal.get(variable);
  });
for (const variable of container.env ?? []) {
  const { name, value, valueFrom } = variable;
  if (value !== undefined || !valueFrom) {
    const expanded = expand(name, value ?? '');
    if (expanded.includes('\n')) fail(`${where}: ${name} spans lines`);
    literal.set(name, expanded);
    args.push(`--env=${name}=${expanded}`);
  } else if (valueFrom.fieldRef) {
    const field = valueFrom.fieldRef.fieldPath;
    const fields = { 'metadata.name': podName, 'metadata.namespace': workload.metadata.namespace ?? 'default' };
    if (!(field in fields)) fail(`${where}: ${name} comes from field ${field}, which the check does not reproduce`);
    literal.set(name, fields[field]);
    args.push(`--env=${name}=${fields[field]}`);
  } else if (valueFrom.secretKeyRef || valueFrom.configMapKeyRef) {
    const ref = valueFrom.secretKeyRef ?? valueFrom.configMapKeyRef;
    if (process.env[name] === undefined) {
      fail(`${where}: ${name} comes from ${valueFrom.secretKeyRef ? 'Secret' : 'ConfigMap'} ${ref.name} key ${ref.key}; set ${name} in the environment of the check`);
    }
    args.push(`--env=${name}`);
  } else {
    fail(`${where}: ${name} has a valueFrom the check does not reproduce`);
  }
}
if (container.envFrom) fail(`${where}: envFrom is not reproduced by the check`);

process.stdout.write(`${args.join('\n')}\n`);
