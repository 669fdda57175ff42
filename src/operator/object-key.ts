import type { ObjectMeta } from '../kubernetes/kiada-service-count.js';

/** Identifies one namespaced object in the work queue: `namespace/name`. */
export type ObjectKey = string;

export function objectKey(metadata: Pick<ObjectMeta, 'name' | 'namespace'>): ObjectKey {
  return `${metadata.namespace ?? ''}/${metadata.name}`;
}

export function parseObjectKey(key: ObjectKey): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
