import type { Watch } from '#kubernetes-client';
import type { WatchCallbacks, WatchEventType, WatchHandle } from '../kubernetes.types.js';
import { statusToError, toKubernetesApiError } from './client-node-errors.js';

const WATCH_EVENT_TYPES = new Set<string>(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK']);

/**
 * Opens one watch stream from `resourceVersion` with bookmarks. `onDone` is called exactly
 * once: with an error (an ERROR event such as 410 Gone, a dropped connection) or without one
 * when the server closes the stream after its timeout (the informer then reopens it).
 */
export async function openWatch<T>(
  watch: Watch,
  path: string,
  resourceVersion: string,
  fieldSelector: string | undefined,
  callbacks: WatchCallbacks<T>,
  convert: (object: unknown) => T,
): Promise<WatchHandle> {
  let finished = false;
  // Set once watch() resolves; events (and the end) may arrive before that.
  const stream: { controller?: AbortController } = {};
  const finish = (error?: unknown) => {
    if (finished) return;
    finished = true;
    stream.controller?.abort();
    callbacks.onDone(error);
  };
  const controller = await watch.watch(
    path,
    {
      resourceVersion: resourceVersion || undefined,
      ...(fieldSelector ? { fieldSelector } : {}),
      allowWatchBookmarks: true,
      // The server ends the watch cleanly after this; the informer reopens it.
      timeoutSeconds: 240 + Math.floor(Math.random() * 60),
    },
    (phase: string, object: unknown) => {
      if (finished) return;
      if (phase === 'ERROR') {
        finish(statusToError(object, `watch ${path}`));
      } else if (WATCH_EVENT_TYPES.has(phase)) {
        callbacks.onEvent(phase as WatchEventType, convert(object));
      }
    },
    (error: unknown) => finish(error ? toKubernetesApiError(error, `watch ${path}`) : undefined),
  );
  stream.controller = controller;
  if (finished) controller.abort();
  return {
    stop: () => {
      finished = true;
      controller.abort();
    },
  };
}
