import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AppConfig } from '../config/index.js';
import { KubernetesApiError } from '../kubernetes/kubernetes-api.error.js';
import { KubernetesGateway } from '../kubernetes/kubernetes.gateway.js';
import { backoffDelay, type BackoffOptions } from '../common/backoff.js';
import { Clock, Timer } from '../common/clock.js';
import { serviceCountManifest } from './service-count-manifest.js';
import { ScalingMetrics } from './scaling.metrics.js';

/** Retry delays: 200 ms, doubling, capped at 30 s (kept up while the API is unreachable). */
export const WRITE_BACKOFF: BackoffOptions = { initialMs: 200, maxMs: 30_000 };
/** A failure streak is logged at its first attempt, then every this many attempts. */
const LOG_EVERY_ATTEMPTS = 10;

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

/**
 * Writes the desired replicas into spec.kiadaServiceCount of the configured
 * KiadaServiceCount, in the background:
 * - `desire(n)` returns at once and never throws: callers (ultimately auth requests) are
 *   never slowed or failed; only the latest desired value matters, it supersedes any
 *   value still waiting for a retry;
 * - it patches (JSON merge patch) only when the resource holds a different value; the value
 *   read or written last is cached, and the cache is dropped after any error (conflict,
 *   not found, unreachable) and on `desire(n, { reread: true })` (periodic resync), so a changed or deleted
 *   resource is read again;
 * - a missing resource is created when SCALING_CREATE_RESOURCE is on;
 * - every failure is retried with capped exponential backoff (WRITE_BACKOFF), forever while
 *   the API is unreachable; a streak is logged on its first attempt and every 10th, and its
 *   end is logged.
 */
@Injectable()
export class ServiceCountWriter {
  private readonly logger = new Logger(ServiceCountWriter.name);
  private readonly scaling: AppConfig['scaling'];
  private desired?: number;
  private dirty = false;
  private inFlight?: Promise<void>;
  private retryTimer?: Timer;
  private failures = 0;
  private stopped = false;
  private readonly stateValue: WriterState = {
    lastWrittenReplicas: null,
    lastWriteAt: null,
    observedReplicas: null,
    lastError: null,
  };

  constructor(
    private readonly gateway: KubernetesGateway,
    config: ConfigService<AppConfig, true>,
    private readonly clock: Clock,
    private readonly metrics: ScalingMetrics,
  ) {
    this.scaling = config.get('scaling', { infer: true });
  }

  get state(): WriterState {
    return {
      ...this.stateValue,
      lastError: this.stateValue.lastError && { ...this.stateValue.lastError },
    };
  }

  /** Settles when no write is running (tests, shutdown). Does not wait for scheduled retries. */
  get idle(): Promise<void> {
    return this.inFlight ?? Promise.resolve();
  }

  /**
   * Asks for `replicas` in the resource. Returns at once; writing happens in the background.
   * `reread`: forget the cached value and read the resource again first (periodic resync:
   * corrects a value changed behind this process's back).
   */
  desire(replicas: number, { reread = false }: { reread?: boolean } = {}): void {
    if (this.stopped) return;
    if (replicas !== this.desired || reread) {
      this.desired = replicas;
      this.dirty = true;
    }
    if (reread) this.observe(undefined);
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    this.retryTimer?.cancel();
    this.retryTimer = undefined;
  }

  private kick(): void {
    if (
      this.inFlight ||
      this.retryTimer ||
      this.stopped ||
      !this.dirty ||
      this.desired === undefined
    )
      return;
    this.dirty = false;
    const target = this.desired;
    this.inFlight = this.attempt(target).finally(() => {
      this.inFlight = undefined;
      this.kick();
    });
  }

  private async attempt(target: number): Promise<void> {
    try {
      await this.writeIfChanged(target);
      this.succeeded();
    } catch (error) {
      this.failed(error);
    }
  }

  private async writeIfChanged(target: number): Promise<void> {
    const { namespace, resourceName: name } = this.scaling;
    if (this.stateValue.observedReplicas === null) {
      const found = await this.gateway.getServiceCount(namespace, name);
      if (!found) {
        if (!this.scaling.createResource) {
          throw new KubernetesApiError(
            404,
            `KiadaServiceCount ${namespace}/${name} does not exist and SCALING_CREATE_RESOURCE is false: create it (helm install does)`,
            'NotFound',
          );
        }
        const created = await this.gateway.createServiceCount(
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
          `Created KiadaServiceCount ${namespace}/${name} with kiadaServiceCount=${target}`,
        );
        return;
      }
      this.observe(found.spec.kiadaServiceCount);
    }
    const previous = this.stateValue.observedReplicas;
    if (previous === target) return;
    const patched = await this.gateway.patchServiceCountSpec(namespace, name, {
      kiadaServiceCount: target,
    });
    this.wrote(target, patched.spec.kiadaServiceCount, 'patch');
    this.logger.log(
      `Set KiadaServiceCount ${namespace}/${name} kiadaServiceCount ${previous} -> ${target}`,
    );
  }

  /** The value the resource holds as last read or written; undefined: unknown, read it first. */
  private observe(replicas: number | undefined): void {
    this.stateValue.observedReplicas = replicas ?? null;
  }

  private wrote(target: number, stored: number | undefined, operation: 'create' | 'patch'): void {
    this.observe(stored ?? target);
    this.stateValue.lastWrittenReplicas = target;
    this.stateValue.lastWriteAt = new Date(this.clock.now()).toISOString();
    this.metrics.writes.inc({ operation });
  }

  private succeeded(): void {
    if (this.failures > 0) {
      this.logger.log(
        `KiadaServiceCount ${this.scaling.namespace}/${this.scaling.resourceName} is writable again after ${this.failures} failed attempt(s)`,
      );
    }
    this.failures = 0;
    this.stateValue.lastError = null;
  }

  private failed(error: unknown): void {
    // Whatever happened, the cached value can no longer be trusted.
    this.observe(undefined);
    this.dirty = true;
    this.failures += 1;
    const statusCode = error instanceof KubernetesApiError ? error.statusCode : -1;
    const message = error instanceof Error ? error.message : String(error);
    this.stateValue.lastError = {
      statusCode,
      message,
      at: new Date(this.clock.now()).toISOString(),
      failedAttempts: this.failures,
    };
    this.metrics.writeErrors.inc({ code: String(statusCode) });

    const delay = backoffDelay(this.failures, WRITE_BACKOFF);
    this.log(error, statusCode, message, delay);
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      this.kick();
    }, delay);
  }

  private log(error: unknown, statusCode: number, message: string, delayMs: number): void {
    const target = `KiadaServiceCount ${this.scaling.namespace}/${this.scaling.resourceName}`;
    const what =
      statusCode === 0
        ? `Kubernetes API unreachable while writing ${target}`
        : `Writing ${target} failed (${statusCode === -1 ? 'unexpected error' : `HTTP ${statusCode}`})`;
    const line = `${what}: ${message}; attempt ${this.failures}, retrying in ${delayMs} ms`;
    const expected = error instanceof KubernetesApiError && (error.retryable || error.notFound);
    if (this.failures !== 1 && this.failures % LOG_EVERY_ATTEMPTS !== 0) this.logger.debug(line);
    else if (statusCode === 409 && this.failures === 1) this.logger.debug(line);
    else if (expected) this.logger.warn(line);
    else this.logger.error(line);
  }
}
