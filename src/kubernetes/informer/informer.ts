import { Logger } from '@nestjs/common';
import { backoffDelay } from '../../common/backoff.js';
import type { Clock, Timer } from '../../common/clock.js';
import { errorMessage } from '../../common/error-message.js';
import { FailureStreak } from '../../common/failure-streak.js';
import { KubernetesApiError } from '../kubernetes-api.error.js';
import type {
  WatchableKind,
  WatchableKinds,
  WatchEventType,
  WatchHandle,
} from '../kubernetes.types.js';
import type { ListWatchApi } from '../ports/list-watch.api.js';
import { InformerCache } from './informer-cache.js';
import type { InformerHandlers, InformerOptions, InformerRestartReason } from './informer.types.js';
import type { ObjectKey } from './object-key.js';

export type { InformerHandlers, InformerOptions, InformerRestartReason } from './informer.types.js';

/** A watch that closes cleanly sooner than this after opening counts as a failure. */
const MIN_HEALTHY_WATCH_MS = 1000;

/**
 * List + watch of one kind, with a local cache, as client-go's reflector: it lists, then
 * watches from the list's resourceVersion (with bookmarks), reopens the watch with backoff
 * after errors, relists after 410 Gone, reopens a watch that went silent (watchdog), and
 * periodically replays the cache so that level-triggered consumers catch up.
 *
 * Read-after-write: `observe` puts an object this process has just written (as the API
 * server returned it) into the cache at once, so no decision is ever based on a state
 * older than our own last write; the watch event of that write is then no change and is
 * not passed on (as controller-runtime's and JOSDK 5's caches do).
 */
export class Informer<K extends WatchableKind> {
  private readonly logger: Logger;
  private readonly cache: InformerCache<WatchableKinds[K]>;
  private resourceVersion = '';
  private epoch = 0;
  private running = false;
  private readonly failures: FailureStreak;
  private watch?: WatchHandle;
  private watchOpenedAt = 0;
  private restartTimer?: Timer;
  private resyncTimer?: Timer;
  private watchdogTimer?: Timer;
  private hasSynced = false;
  private syncWaiters: Array<() => void> = [];
  private readonly selection: { name?: string } | undefined;

  constructor(
    private readonly listWatch: ListWatchApi,
    private readonly clock: Clock,
    readonly kind: K,
    readonly namespace: string | undefined,
    handlers: InformerHandlers<WatchableKinds[K]>,
    private readonly options: InformerOptions,
  ) {
    this.logger = new Logger(`Informer(${kind})`);
    // The caller gives the index function of this kind (InformerOptions is not per kind).
    this.cache = new InformerCache(
      handlers,
      this.logger,
      options.indexBy as ((object: WatchableKinds[K]) => string) | undefined,
    );
    this.failures = new FailureStreak(this.logger, `list/watch of ${kind}`);
    this.selection = options.name ? { name: options.name } : undefined;
  }

  /** True once the first list has filled the cache. */
  get synced(): boolean {
    return this.hasSynced;
  }

  /** Settles once the first list has filled the cache, or when the informer stops. */
  whenSynced(): Promise<void> {
    if (this.hasSynced || !this.running) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  list(): WatchableKinds[K][] {
    return [...this.cache.values()];
  }

  get(key: ObjectKey): WatchableKinds[K] | undefined {
    return this.cache.get(key);
  }

  /** The cached objects whose `indexBy` value is `value`. */
  byIndex(value: string): WatchableKinds[K][] {
    return this.cache.byIndex(value);
  }

  /** Read-after-write: records `object` as this process just wrote it (InformerCache.observe). */
  observe(object: WatchableKinds[K]): void {
    this.cache.observe(object);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.scheduleResync();
    void this.listAndWatch();
  }

  stop(): void {
    this.running = false;
    this.epoch++;
    this.restartTimer?.cancel();
    this.resyncTimer?.cancel();
    this.watchdogTimer?.cancel();
    this.closeWatch();
    this.releaseSyncWaiters();
  }

  private async listAndWatch(): Promise<void> {
    const epoch = ++this.epoch;
    try {
      const result = await this.listWatch.list(this.kind, this.namespace, this.selection);
      if (epoch !== this.epoch) return;
      this.cache.replace(result.items);
      this.resourceVersion = result.resourceVersion;
      this.hasSynced = true;
      this.releaseSyncWaiters();
    } catch (error) {
      if (epoch === this.epoch) this.retry('error', error);
      return;
    }
    await this.openWatch(epoch);
  }

  private async openWatch(epoch: number): Promise<void> {
    this.watchOpenedAt = this.clock.now();
    try {
      const handle = await this.listWatch.watch(
        this.kind,
        this.namespace,
        this.resourceVersion,
        {
          onEvent: (type, object) => {
            if (epoch === this.epoch) this.onWatchEvent(type, object);
          },
          onDone: (error) => {
            if (epoch === this.epoch) this.onWatchDone(error);
          },
        },
        this.selection,
      );
      if (epoch !== this.epoch) {
        handle.stop();
        return;
      }
      this.watch = handle;
      this.armWatchdog(epoch);
    } catch (error) {
      if (epoch === this.epoch) this.onWatchDone(error ?? new Error('watch failed'));
    }
  }

  private onWatchEvent(type: WatchEventType, object: WatchableKinds[K]): void {
    this.failures.succeeded();
    this.armWatchdog(this.epoch);
    const version = object.metadata?.resourceVersion;
    if (version) this.resourceVersion = version;
    if (type !== 'BOOKMARK') this.cache.apply(type, object);
  }

  private onWatchDone(error?: unknown): void {
    this.epoch++;
    this.watch = undefined;
    this.watchdogTimer?.cancel();
    if (!this.running) return;
    if (error instanceof KubernetesApiError && error.gone) {
      this.logger.log(
        `watch expired (410 Gone) at resourceVersion ${this.resourceVersion}; relisting`,
      );
      this.resourceVersion = '';
      this.options.onRestart?.('gone', error);
      this.schedule(0, () => void this.listAndWatch());
    } else if (error) {
      this.retry('error', error);
    } else if (this.clock.now() - this.watchOpenedAt < MIN_HEALTHY_WATCH_MS) {
      this.retry('closed', new Error('watch closed right after opening'));
    } else {
      this.options.onRestart?.('closed');
      this.schedule(0, () => void this.resume());
    }
  }

  /** Reopens after a failure: watch from the last resourceVersion, or list first. */
  private retry(reason: InformerRestartReason, error: unknown): void {
    const attempt = this.failures.count + 1;
    const delay = backoffDelay(attempt, this.options.backoff);
    this.failures.failed(
      `${reason === 'closed' ? 'watch closed' : 'list/watch failed'}: ${errorMessage(error)}; retrying in ${delay} ms (attempt ${attempt})`,
      // No cluster at all: the api's writer says so, once every few minutes.
      error instanceof KubernetesApiError && error.notConfigured ? 'debug' : 'warn',
    );
    this.options.onRestart?.(reason, error);
    this.schedule(delay, () => void this.resume());
  }

  private resume(): Promise<void> {
    if (!this.resourceVersion) return this.listAndWatch();
    return this.openWatch(++this.epoch);
  }

  private armWatchdog(epoch: number): void {
    this.watchdogTimer?.cancel();
    if (!this.options.watchdogMs) return;
    this.watchdogTimer = this.clock.setTimeout(() => {
      if (epoch !== this.epoch || !this.running) return;
      this.logger.warn(`watch silent for ${this.options.watchdogMs} ms; reopening`);
      this.epoch++;
      this.closeWatch();
      this.options.onRestart?.('watchdog');
      void this.resume();
    }, this.options.watchdogMs);
  }

  private scheduleResync(): void {
    if (!this.options.resyncMs) return;
    this.resyncTimer = this.clock.setInterval(() => {
      if (this.running && this.hasSynced) this.cache.resync();
    }, this.options.resyncMs);
  }

  private releaseSyncWaiters(): void {
    const waiters = this.syncWaiters;
    this.syncWaiters = [];
    waiters.forEach((resolve) => resolve());
  }

  private schedule(delayMs: number, action: () => void): void {
    this.restartTimer?.cancel();
    this.restartTimer = this.clock.setTimeout(() => {
      if (this.running) action();
    }, delayMs);
  }

  private closeWatch(): void {
    const watch = this.watch;
    this.watch = undefined;
    watch?.stop();
  }
}
