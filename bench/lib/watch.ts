import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { sleep } from '../../test/support/wait.js';
import { now } from './progress.js';

/** What a watch delivers: the event type and the object (as JSON). */
export type WatchHandler<T> = (type: string, object: T, receivedAt: number) => void;

/**
 * Watches `path` (list + watch) and calls `onEvent(type, object, receivedAt)` for every
 * event, including the initial ADDED ones; reconnects after errors until stopped. The
 * bench's own view of the cluster, independent of the app's informers.
 */
export function watch<T>(
  kc: KubeConfig,
  path: string,
  query: Record<string, string>,
  onEvent: WatchHandler<T>,
): { stop(): void } {
  const watcher = new Watch(kc);
  let stopped = false;
  let controller: AbortController | undefined;
  const start = async () => {
    while (!stopped) {
      let done!: () => void;
      const ended = new Promise<void>((resolve) => (done = resolve));
      try {
        controller = await watcher.watch(
          path,
          query,
          (type, object: T) => onEvent(type, object, now()),
          () => done(),
        );
        await ended;
      } catch {
        // reconnect below
      }
      if (!stopped) await sleep(200);
    }
  };
  void start();
  return {
    stop: () => {
      stopped = true;
      controller?.abort();
    },
  };
}
