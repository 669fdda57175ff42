import type { Logger } from '@nestjs/common';
import { errorMessage } from '../../common/error-message.js';
import type { WatchEventType } from '../kubernetes.types.js';
import type { InformerHandlers } from './informer.types.js';
import { IndexedStore } from './indexed-store.js';
import { isNewerVersion, objectKey, type ObjectKey } from './object-key.js';

interface Meta {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
}

/**
 * An informer's cache and what it tells the handlers: a relist replaces it (adds, updates
 * and deletes for the difference), a watch event changes one object, a resync replays it
 * whole, and `observe` records this process's own writes without telling anyone. A
 * handler that throws is logged; the others still run.
 */
export class InformerCache<T extends Meta> {
  private readonly store: IndexedStore<T>;

  constructor(
    private readonly handlers: InformerHandlers<T>,
    private readonly logger: Pick<Logger, 'error'>,
    indexBy?: (object: T) => string,
  ) {
    this.store = new IndexedStore(indexBy);
  }

  values(): IterableIterator<T> {
    return this.store.values();
  }

  get(key: ObjectKey): T | undefined {
    return this.store.get(key);
  }

  byIndex(value: string): T[] {
    return this.store.byIndex(value);
  }

  /**
   * Read-after-write: records `object` as this process just wrote it, unless the cache
   * already holds a newer version. Handlers are not called (the writer knows).
   */
  observe(object: T): void {
    const key = objectKey(object.metadata);
    const cached = this.store.get(key);
    if (cached && !isNewerVersion(object.metadata.resourceVersion, cached.metadata.resourceVersion))
      return;
    this.store.set(key, object);
  }

  /** One watch event (not a bookmark). */
  apply(type: Exclude<WatchEventType, 'BOOKMARK'>, object: T): void {
    const key = objectKey(object.metadata);
    const previous = this.store.get(key);
    if (type === 'DELETED') {
      this.store.delete(key);
      this.notify(() => this.handlers.onDelete?.(object));
    } else if (previous) {
      // Already seen (our own write, through `observe`): not a change.
      if (!isNewerVersion(object.metadata.resourceVersion, previous.metadata.resourceVersion))
        return;
      this.store.set(key, object);
      this.notify(() => this.handlers.onUpdate?.(object, previous));
    } else {
      this.store.set(key, object);
      this.notify(() => this.handlers.onAdd?.(object));
    }
  }

  /** Swaps the cache for a fresh list, telling handlers what changed. */
  replace(items: T[]): void {
    const fresh = new Map(items.map((item) => [objectKey(item.metadata), item]));
    for (const [key, previous] of this.store.entries()) {
      if (!fresh.has(key)) {
        this.store.delete(key);
        this.notify(() => this.handlers.onDelete?.(previous));
      }
    }
    for (const [key, object] of fresh) {
      const previous = this.store.get(key);
      this.store.set(key, object);
      if (!previous) this.notify(() => this.handlers.onAdd?.(object));
      else this.notify(() => this.handlers.onUpdate?.(object, previous));
    }
  }

  /** Replays every cached object to onUpdate (level-triggered consumers catch up). */
  resync(): void {
    for (const object of this.store.values()) {
      this.notify(() => this.handlers.onUpdate?.(object, object));
    }
  }

  private notify(handler: () => void): void {
    try {
      handler();
    } catch (error) {
      this.logger.error(`event handler failed: ${errorMessage(error)}`);
    }
  }
}
