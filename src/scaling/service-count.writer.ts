import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { backoffDelay, type BackoffOptions } from '../common/backoff.js';
import { Clock } from '../common/clock.js';
import { errorMessage } from '../common/error-message.js';
import { FailureStreak } from '../common/failure-streak.js';
import { WorkQueue } from '../common/work-queue.js';
import type { AppConfig } from '../config/index.js';
import { KubernetesApiError } from '../kubernetes/kubernetes-api.error.js';
import { ServiceCountSpecApi } from '../kubernetes/ports/service-count-spec.api.js';
import { ScalingMetrics } from './scaling.metrics.js';
import { serviceCountManifest } from './service-count-manifest.js';

/** Retry delays: 200 ms, doubling, capped at 30 s (kept up while the API is unreachable). */
export const WRITE_BACKOFF: BackoffOptions = { initialMs: 200, maxMs: 30_000 };

export interface WriteError {
  /** Kubernetes API status code; 0 when the API server could not be reached. */
  statusCode: number;
  message: string;
  /** ISO time of the latest failed attempt. */
  at: string;
  /** Failed attempts in a row so far. */
  failedAttempts: number;
}

export interface WriterState {
  /** The value this process last wrote into spec.kiadaServiceCount, null before its first write. */
  lastWrittenReplicas: number | null;
  /** ISO time of that write. */
  lastWriteAt: string | null;
  /** spec.kiadaServiceCount as last read or written, null when unknown (never read, or invalidated by an error). */
  observedReplicas: number | null;
  /** The current failure, null once a write (or a check that found nothing to write) succeeds. */
  lastError: WriteError | null;
}

/** The writer's one work-queue key: there is one resource to write. */
const RESOURCE = 'resource';

/**
 * Writes the desired replicas into spec.kiadaServiceCount of the configured
 * KiadaServiceCount, in the background, as a work queue with one key:
 * - `desire(n)` returns at once and never throws: callers (ultimately auth requests) are
 *   never slowed or failed; only the latest desired value matters, it supersedes any
 *   value still waiting for a retry (which then writes it);
 * - it patches (JSON merge patch) only when the resource holds a different value; the value
 *   read or written last is cached, and the cache is dropped after any error (conflict,
 *   not found, unreachable) and on `desire(n, { reread: true })` (periodic resync), so a
 *   changed or deleted resource is read again;
 * - a missing resource is created when SCALING_CREATE_RESOURCE is on;
 * - every failure is retried with capped exponential backoff (WRITE_BACKOFF), forever while
 *   the API is unreachable; the streak is logged sparingly (FailureStreak).
 */
@Injectable()
export class ServiceCountWriter {
  private readonly logger = new Logger(ServiceCountWriter.name);
  private readonly scaling: AppConfig['scaling'];
  private readonly queue: WorkQueue;
  private readonly failures: FailureStreak;
  private desired?: number;
  private readonly stateValue: WriterState = {
    lastWrittenReplicas: null,
    lastWriteAt: null,
    observedReplicas: null,
    lastError: null,
  };

  constructor(
    private readonly serviceCounts: ServiceCountSpecApi,
    config: ConfigService<AppConfig, true>,
    private readonly clock: Clock,
    private readonly metrics: ScalingMetrics,
  ) {
    this.scaling = config.get('scaling', { infer: true });
    this.queue = new WorkQueue(() => this.write(), clock, { backoff: WRITE_BACKOFF });
    this.failures = new FailureStreak(this.logger, `KiadaServiceCount ${this.resourceName}`);
  }

  get state(): WriterState {
    return {
      ...this.stateValue,
      lastError: this.stateValue.lastError && { ...this.stateValue.lastError },
    };
  }

  /** Settles when no write is running (tests, shutdown). Does not wait for scheduled retries. */
  get idle(): Promise<void> {
    return this.queue.idle();
  }

  /**
   * Asks for `replicas` in the resource. Returns at once; writing happens in the background.
   * `reread`: forget the cached value and read the resource again first (periodic resync:
   * corrects a value changed behind this process's back).
   */
  desire(replicas: number, { reread = false }: { reread?: boolean } = {}): void {
    const changed = replicas !== this.desired;
    this.desired = replicas;
    if (reread) this.stateValue.observedReplicas = null;
    // While a retry is scheduled it writes the latest value; do not hurry it.
    if ((changed || reread) && !this.queue.isScheduled(RESOURCE)) this.queue.add(RESOURCE);
  }

  stop(): void {
    void this.queue.shutDown();
  }

  private get resourceName(): string {
    return `${this.scaling.namespace}/${this.scaling.resourceName}`;
  }

  /** The queue's handler: one attempt to bring the resource to the latest desired value. */
  private async write(): Promise<void> {
    const target = this.desired;
    if (target === undefined) return;
    try {
      await this.writeIfChanged(target);
    } catch (error) {
      this.failed(error);
      throw error; // the queue retries with backoff
    }
    this.failures.succeeded();
    this.stateValue.lastError = null;
  }

  private async writeIfChanged(target: number): Promise<void> {
    const { namespace, resourceName: name } = this.scaling;
    if (this.stateValue.observedReplicas === null) {
      const found = await this.serviceCounts.getServiceCount(namespace, name);
      if (!found) {
        await this.create(target);
        return;
      }
      this.stateValue.observedReplicas = found.spec.kiadaServiceCount;
    }
    const previous = this.stateValue.observedReplicas;
    if (previous === target) return;
    const patched = await this.serviceCounts.patchServiceCountSpec(namespace, name, {
      kiadaServiceCount: target,
    });
    this.wrote(target, patched.spec.kiadaServiceCount, 'patch');
    this.logger.log(
      `Set KiadaServiceCount ${this.resourceName} kiadaServiceCount ${previous} -> ${target}`,
    );
  }

  private async create(target: number): Promise<void> {
    const { namespace, resourceName: name } = this.scaling;
    if (!this.scaling.createResource) {
      throw new KubernetesApiError(
        404,
        `KiadaServiceCount ${namespace}/${name} does not exist and SCALING_CREATE_RESOURCE is false: create it (helm install does)`,
        'NotFound',
      );
    }
    const created = await this.serviceCounts.createServiceCount(
      serviceCountManifest({
        namespace,
        name,
        owner: this.scaling.resourceOwner,
        targetName: this.scaling.targetName,
        replicas: target,
      }),
    );
    this.wrote(target, created.spec.kiadaServiceCount, 'create');
    this.logger.log(
      `Created KiadaServiceCount ${this.resourceName} with kiadaServiceCount=${target}`,
    );
  }

  private wrote(target: number, stored: number | undefined, operation: 'create' | 'patch'): void {
    this.stateValue.observedReplicas = stored ?? target;
    this.stateValue.lastWrittenReplicas = target;
    this.stateValue.lastWriteAt = new Date(this.clock.now()).toISOString();
    this.metrics.writes.inc({ operation });
  }

  private failed(error: unknown): void {
    // Whatever happened, the cached value can no longer be trusted.
    this.stateValue.observedReplicas = null;
    const statusCode = error instanceof KubernetesApiError ? error.statusCode : -1;
    const message = errorMessage(error);
    const attempt = this.failures.count + 1;
    this.stateValue.lastError = {
      statusCode,
      message,
      at: new Date(this.clock.now()).toISOString(),
      failedAttempts: attempt,
    };
    this.metrics.writeErrors.inc({ code: String(statusCode) });
    const what =
      statusCode === 0
        ? `Kubernetes API unreachable while writing KiadaServiceCount ${this.resourceName}`
        : `Writing KiadaServiceCount ${this.resourceName} failed (${statusCode === -1 ? 'unexpected error' : `HTTP ${statusCode}`})`;
    const expected = error instanceof KubernetesApiError && (error.retryable || error.notFound);
    const level = statusCode === 409 && attempt === 1 ? 'debug' : expected ? 'warn' : 'error';
    this.failures.failed(
      `${what}: ${message}; attempt ${attempt}, retrying in ${backoffDelay(attempt, WRITE_BACKOFF)} ms`,
      level,
    );
  }
}
