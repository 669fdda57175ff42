import type { BackoffOptions } from '../../common/backoff.js';

export interface InformerHandlers<T> {
  onAdd?(object: T): void;
  /** Also called for every cached object on each resync, with `object === previous`. */
  onUpdate?(object: T, previous: T): void;
  onDelete?(object: T): void;
}

/** Why the informer opened a new list or watch. */
export type InformerRestartReason = 'error' | 'gone' | 'watchdog' | 'closed';

export interface InformerOptions {
  /** Replays the cache to onUpdate this often; 0 turns resync off. */
  resyncMs: number;
  /** A watch that delivers nothing (not even a bookmark) for this long is reopened. */
  watchdogMs: number;
  /** Delay before reopening after consecutive failures. */
  backoff: BackoffOptions;
  /** Only the object of this name (a fieldSelector on metadata.name). */
  name?: string;
  /** The cache's index: objects by this value (Informer.byIndex), for this kind's objects. */
  indexBy?(object: never): string;
  onRestart?(reason: InformerRestartReason, error?: unknown): void;
}
