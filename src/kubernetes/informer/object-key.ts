import type { ObjectMeta } from '../kiada-service-count.js';

/** Identifies one namespaced object in the work queue: `namespace/name`. */
export type ObjectKey = string;

export function objectKey(metadata: Pick<ObjectMeta, 'name' | 'namespace'>): ObjectKey {
  return `${metadata.namespace ?? ''}/${metadata.name}`;
}

export function parseObjectKey(key: ObjectKey): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/**
 * Whether resourceVersion `a` is newer than `b`. The API server's resourceVersions are
 * etcd revisions (integers) in practice, which is how controller-runtime and JOSDK order
 * them too; anything else counts as newer whenever it differs.
 */
export function isNewerVersion(a: string | undefined, b: string | undefined): boolean {
  if (!a) return false;
  if (!b) return true;
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) > BigInt(b);
  return a !== b;
}
