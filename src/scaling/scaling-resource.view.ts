import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Observable, Subject } from 'rxjs';
import { Clock, Timer } from '../common/clock.js';
import type { AppConfig } from '../config/index.js';
import { Informer } from '../kubernetes/informer/informer.js';
import { InformerFactory } from '../kubernetes/informer/informer.factory.js';
import { objectKey } from '../kubernetes/informer/object-key.js';
import type { KiadaServiceCount } from '../kubernetes/kiada-service-count.js';

/** Reopen a silent watch of the one resource after this long. */
const WATCHDOG_MS = 2 * 60_000;

/**
 * The api's view of its own KiadaServiceCount: an informer on that one object (a
 * metadata.name field selector, which the chart's RBAC limits to it). The writer compares
 * its decisions with it instead of reading first; the scaling service learns from it
 * whether the resource is paused and what the operator reports (replicas, conditions); the
 * dashboard streams its changes. Writes are recorded with `observe` (read-after-write).
 */
@Injectable()
export class ScalingResourceView implements OnApplicationShutdown {
  private readonly informer: Informer<'KiadaServiceCount'>;
  private readonly key: string;
  private readonly subject = new Subject<KiadaServiceCount | null>();
  private started = false;
  /** The first list failed: start-up need not wait for the retry. */
  private firstListFailed = false;
  private failureWaiters: Array<() => void> = [];

  constructor(
    informers: InformerFactory,
    config: ConfigService<AppConfig, true>,
    private readonly clock: Clock,
  ) {
    const { namespace, resourceName } = config.get('scaling', { infer: true });
    this.key = objectKey({ namespace, name: resourceName });
    const changed = (resource: KiadaServiceCount | null) => this.subject.next(resource);
    this.informer = informers.create(
      'KiadaServiceCount',
      namespace,
      {
        onAdd: changed,
        onUpdate: (resource, previous) => resource !== previous && changed(resource),
        onDelete: () => changed(null),
      },
      {
        name: resourceName,
        resyncMs: 0,
        watchdogMs: WATCHDOG_MS,
        backoff: { initialMs: 1_000, maxMs: 30_000 },
        onRestart: () => this.listFailed(),
      },
    );
  }

  /** The resource as last seen; undefined before the first list or when it does not exist. */
  current(): KiadaServiceCount | undefined {
    return this.informer.get(this.key);
  }

  get synced(): boolean {
    return this.informer.synced;
  }

  /** Every change seen (null: deleted), including this process's own writes. */
  get changes$(): Observable<KiadaServiceCount | null> {
    return this.subject.asObservable();
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.informer.start();
  }

  /**
   * Settles once the first list is in, or has failed (the informer keeps retrying), or
   * after `timeoutMs`, whatever comes first. Resolves to whether the view is synced.
   */
  async whenSynced(timeoutMs: number): Promise<boolean> {
    let timer: Timer | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = this.clock.setTimeout(resolve, timeoutMs);
    });
    const failed = this.firstListFailed
      ? Promise.resolve()
      : new Promise<void>((resolve) => this.failureWaiters.push(resolve));
    await Promise.race([this.informer.whenSynced(), timeout, failed]);
    timer?.cancel();
    return this.informer.synced;
  }

  /** Read-after-write: what our own write returned. */
  observe(resource: KiadaServiceCount): void {
    this.informer.observe(resource);
    this.subject.next(this.current() ?? resource);
  }

  onApplicationShutdown(): void {
    this.informer.stop();
    this.listFailed();
  }

  private listFailed(): void {
    this.firstListFailed = true;
    const waiters = this.failureWaiters;
    this.failureWaiters = [];
    waiters.forEach((resolve) => resolve());
  }
}
