import type { ObjectKey } from './object-key.js';

/**
 * An informer's cache: objects by key, plus one optional index (client-go's Indexer), so a
 * reader asks for the objects with one index value instead of scanning them all. With
 * thousands of resources a scan per event or reconcile costs more CPU than the reconcile.
 */
export class IndexedStore<T> {
  private readonly byKey = new Map<ObjectKey, T>();
  private readonly byValue = new Map<string, Map<ObjectKey, T>>();

  /** `indexOf`: the index value of an object (undefined: no index). */
  constructor(private readonly indexOf?: (object: T) => string) {}

  get(key: ObjectKey): T | undefined {
    return this.byKey.get(key);
  }

  has(key: ObjectKey): boolean {
    return this.byKey.has(key);
  }

  set(key: ObjectKey, object: T): void {
    this.unindex(key);
    this.byKey.set(key, object);
    if (!this.indexOf) return;
    const value = this.indexOf(object);
    let bucket = this.byValue.get(value);
    if (!bucket) this.byValue.set(value, (bucket = new Map()));
    bucket.set(key, object);
  }

  delete(key: ObjectKey): void {
    this.unindex(key);
    this.byKey.delete(key);
  }

  values(): IterableIterator<T> {
    return this.byKey.values();
  }

  entries(): IterableIterator<[ObjectKey, T]> {
    return this.byKey.entries();
  }

  /** The objects whose index value is `value` (none without an index). */
  byIndex(value: string): T[] {
    const bucket = this.byValue.get(value);
    return bucket ? [...bucket.values()] : [];
  }

  private unindex(key: ObjectKey): void {
    const previous = this.indexOf && this.byKey.get(key);
    if (previous === undefined || !this.indexOf) return;
    const value = this.indexOf(previous);
    const bucket = this.byValue.get(value);
    bucket?.delete(key);
    if (bucket?.size === 0) this.byValue.delete(value);
  }
}
