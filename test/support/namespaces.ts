import { isNotFound, kubeClients } from './kubernetes.js';
import { waitFor } from './wait.js';

let namespaceCounter = 0;

export interface NamespaceOptions {
  /** A label marking what made the namespace, to find leftovers (`kubectl get ns -l ...`). */
  label?: string;
}

/**
 * A fresh namespace `<prefix>-<pid>-<time>-<n>` whose default ServiceAccount exists (tokens
 * and pods need it); returns its name. The caller deletes it afterwards.
 */
export async function createNamespace(
  prefix: string,
  { label = 'kiada-autoscaler/e2e' }: NamespaceOptions = {},
): Promise<string> {
  const { core } = kubeClients();
  const unique = `${process.pid}-${Date.now().toString(36)}-${namespaceCounter++}`;
  const name = `${prefix}-${unique}`.slice(0, 63);
  await core.createNamespace({ body: { metadata: { name, labels: { [label]: 'true' } } } });
  // The ServiceAccount controller makes `default`.
  await waitFor(`service account default in ${name}`, () =>
    core.readNamespacedServiceAccount({ name: 'default', namespace: name }).then(() => true),
  );
  return name;
}

export interface DeleteNamespaceOptions {
  /** Wait up to this long until the namespace is gone (its finalizers done); 0: do not wait. */
  waitMs?: number;
}

/** Deletes the namespace (gone already is fine); waiting for it is best effort. */
export async function deleteNamespace(
  name: string,
  { waitMs = 0 }: DeleteNamespaceOptions = {},
): Promise<void> {
  const { core } = kubeClients();
  await core.deleteNamespace({ name }).catch((error: unknown) => {
    if (!isNotFound(error)) throw error;
  });
  if (waitMs <= 0) return;
  await waitFor(
    `namespace ${name} deleted`,
    () => core.readNamespace({ name }).then(() => false, isNotFound),
    { timeoutMs: waitMs, intervalMs: 1000 },
  ).catch(() => undefined);
}
