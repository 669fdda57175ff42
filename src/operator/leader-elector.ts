import { Logger } from '@nestjs/common';
import type { Clock, Timer } from '../common/clock.js';
import { errorMessage } from '../common/error-message.js';
import { FailureStreak } from '../common/failure-streak.js';
import { KubernetesApiError } from '../kubernetes/kubernetes-api.error.js';
import type { LeaseState } from '../kubernetes/kubernetes.types.js';
import type { LeaseApi } from '../kubernetes/ports/lease.api.js';

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  /** A leader that cannot renew for this long steps down (< leaseDurationMs). */
  renewDeadlineMs: number;
  /** How often a leader renews and a candidate retries (< renewDeadlineMs). */
  retryPeriodMs: number;
}

export interface LeaderCallbacks {
  onStartedLeading(): void;
  onStoppedLeading(): void;
}

type Attempt = 'held' | 'taken' | 'failed';

/** With no cluster configured at all, say so at most this often (not every retry period). */
export const NO_CLUSTER_REMINDER_MS = 5 * 60_000;

/**
 * Leader election on a coordination.k8s.io/v1 Lease, after client-go's leaderelection:
 * a candidate takes the Lease when it is free, released, or not renewed for its duration
 * (judged by when this process last saw it change, so clocks need not agree); the leader
 * renews every retry period and steps down when it sees another holder or cannot renew
 * within the renew deadline. Writes use the Lease's resourceVersion, so two candidates
 * never both win. `stop()` releases the Lease so a standby takes over at once.
 */
export class LeaderElector {
  private readonly logger = new Logger(LeaderElector.name);
  private running = false;
  private leading = false;
  private lastRenewAt = 0;
  private observed?: { resourceVersion?: string; at: number };
  /** Failed attempts in a row, logged sparingly (an unreachable API server fails every period). */
  private readonly failures: FailureStreak;
  private timer?: Timer;
  /** When the no-cluster line was last logged. */
  private noClusterSaidAt?: number;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly leases: LeaseApi,
    private readonly clock: Clock,
    private readonly options: LeaderElectionOptions,
    private readonly callbacks: LeaderCallbacks,
  ) {
    this.failures = new FailureStreak(this.logger, `Lease ${options.namespace}/${options.name}`);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.logger.log(
      `Candidate ${this.options.identity} for lease ${this.options.namespace}/${this.options.name}`,
    );
    this.tick();
  }

  /** Stops campaigning; a leader releases the Lease unless `release` is false. */
  async stop(release = true): Promise<void> {
    this.running = false;
    this.timer?.cancel();
    await this.inFlight;
    if (!this.leading) return;
    if (release) await this.release();
    this.stepDown('stopping');
  }

  private tick(): void {
    this.inFlight = this.tryAcquireOrRenew().then((attempt) => {
      if (!this.running) return;
      const now = this.clock.now();
      if (attempt === 'held') {
        this.lastRenewAt = now;
        if (!this.leading) {
          this.leading = true;
          this.logger.log(`${this.options.identity} became leader`);
          this.callbacks.onStartedLeading();
        }
      } else if (this.leading && attempt === 'taken') {
        this.stepDown('the lease is held by another process');
      } else if (this.leading && now - this.lastRenewAt >= this.options.renewDeadlineMs) {
        this.stepDown(`could not renew the lease within ${this.options.renewDeadlineMs} ms`);
      }
      this.timer = this.clock.setTimeout(() => this.tick(), this.options.retryPeriodMs);
    });
  }

  private stepDown(why: string): void {
    this.leading = false;
    this.logger.warn(`${this.options.identity} stopped leading: ${why}`);
    this.callbacks.onStoppedLeading();
  }

  private async tryAcquireOrRenew(): Promise<Attempt> {
    const { namespace, name, identity } = this.options;
    const now = this.clock.now();
    const nowIso = new Date(now).toISOString();
    const durationSeconds = Math.ceil(this.options.leaseDurationMs / 1000);
    try {
      const current = await this.leases.getLease(namespace, name);
      if (!current) {
        const created = await this.leases.createLease({
          metadata: { name, namespace },
          holderIdentity: identity,
          leaseDurationSeconds: durationSeconds,
          acquireTime: nowIso,
          renewTime: nowIso,
          leaseTransitions: 0,
        });
        this.observe(created, now);
        this.failures.succeeded();
        return 'held';
      }
      this.observe(current, now);
      const holder = current.holderIdentity;
      const heldByOther = !!holder && holder !== identity;
      const expiresAt =
        this.observed!.at + (current.leaseDurationSeconds ?? durationSeconds) * 1000;
      if (heldByOther && now < expiresAt) {
        this.failures.succeeded();
        return 'taken';
      }
      const renewing = holder === identity;
      const replaced = await this.leases.replaceLease({
        metadata: current.metadata,
        holderIdentity: identity,
        leaseDurationSeconds: durationSeconds,
        acquireTime: renewing ? (current.acquireTime ?? nowIso) : nowIso,
        renewTime: nowIso,
        leaseTransitions: (current.leaseTransitions ?? 0) + (renewing ? 0 : 1),
      });
      this.observe(replaced, now);
      this.failures.succeeded();
      if (!renewing)
        this.logger.log(
          `${identity} acquired lease ${namespace}/${name} (previous holder: ${holder || 'none'})`,
        );
      return 'held';
    } catch (error) {
      const notConfigured = error instanceof KubernetesApiError && error.notConfigured;
      this.failures.failed(
        `Lease ${namespace}/${name} (attempt ${this.failures.count + 1}): ${errorMessage(error)}`,
        notConfigured ? 'debug' : 'warn',
      );
      if (notConfigured) this.remindNoCluster(error, now);
      return 'failed';
    }
  }

  /**
   * The first-run line (no cluster at all) every 5 minutes; not at the first failure, as the
   * Kubernetes configuration said it at start-up.
   */
  private remindNoCluster(error: KubernetesApiError, now: number): void {
    this.noClusterSaidAt ??= now;
    if (now - this.noClusterSaidAt < NO_CLUSTER_REMINDER_MS) return;
    this.noClusterSaidAt = now;
    this.logger.warn(error.message);
  }

  /** Remembers when the Lease last changed, by this process's clock. */
  private observe(lease: LeaseState, now: number): void {
    if (this.observed?.resourceVersion !== lease.metadata.resourceVersion) {
      this.observed = { resourceVersion: lease.metadata.resourceVersion, at: now };
    }
  }

  private async release(): Promise<void> {
    const { namespace, name, identity } = this.options;
    try {
      const current = await this.leases.getLease(namespace, name);
      if (!current || current.holderIdentity !== identity) return;
      const nowIso = new Date(this.clock.now()).toISOString();
      await this.leases.replaceLease({
        metadata: current.metadata,
        holderIdentity: undefined,
        leaseDurationSeconds: 1,
        acquireTime: current.acquireTime,
        renewTime: nowIso,
        leaseTransitions: current.leaseTransitions,
      });
      this.logger.log(`${identity} released lease ${namespace}/${name}`);
    } catch (error) {
      this.logger.warn(`Could not release lease: ${errorMessage(error)}`);
    }
  }
}
