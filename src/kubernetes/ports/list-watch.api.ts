import type {
  ListResult,
  ListWatchOptions,
  WatchableKind,
  WatchableKinds,
  WatchCallbacks,
  WatchHandle,
} from '../kubernetes.types.js';

/** List and watch, for the operator's informers. Rejects with KubernetesApiError. */
export abstract class ListWatchApi {
  /** `namespace` undefined: all namespaces. */
  abstract list<K extends WatchableKind>(
    kind: K,
    namespace: string | undefined,
    options?: ListWatchOptions,
  ): Promise<ListResult<WatchableKinds[K]>>;
  /** Watches from `resourceVersion` (with bookmarks) until stopped or ended by the server. */
  abstract watch<K extends WatchableKind>(
    kind: K,
    namespace: string | undefined,
    resourceVersion: string,
    callbacks: WatchCallbacks<WatchableKinds[K]>,
    options?: ListWatchOptions,
  ): Promise<WatchHandle>;
}
