import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Subscription } from 'rxjs';
import type { AppConfig, ScalingPolicyConfig } from '../config/index.js';
import { Clock, Timer } from '../common/clock.js';
import { errorMessage } from '../common/error-message.js';
import { ServiceCountSpecApi } from '../kubernetes/ports/service-count-spec.api.js';
import { ActiveUserCount, ActiveUsers } from './active-users.service.js';
import { ScaleDownStabilizer } from './scale-down-stabilizer.js';
import { replicasForActiveUsers } from './scaling-policy.js';
import { ScalingMetrics } from './scaling.metrics.js';
import { ServiceCountWriter, type WriterState } from './service-count.writer.js';

export interface ScalingState {
  /** Null until the first count. */
  activeUsers: number | null;
  /** What the tier policy gives for activeUsers, before stabilization. */
  recommendedReplicas: number | null;
  /** The stabilized value this process writes. */
  desiredReplicas: number | null;
  policy: ScalingPolicyConfig & { stabilizationSeconds: number };
  resource: { namespace: string; name: string } & WriterState;
}

/** How long start-up waits for the resource's current value (see `seedFromResource`). */
export const SEED_TIMEOUT_MS = 2_000;

/**
 * The scaling pipeline: active users -> tier policy -> scale-down stabilization -> writer.
 * Starts with the application (initial recount, then the first write in the background)
 * and stops with it. At start-up the resource's current value counts as a recommendation
 * made then, so restarting or rolling the API does not cut short a scale-down window.
 * Resyncs (sweep or recount) also make the writer re-read the resource,
 * so a value changed by hand is corrected within a resync period.
 */
@Injectable()
export class ScalingService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ScalingService.name);
  private readonly scaling: AppConfig['scaling'];
  private readonly stabilizer: ScaleDownStabilizer;
  private subscription?: Subscription;
  private reevaluation?: Timer;
  private activeUsers: number | null = null;
  private recommended: number | null = null;
  private desired: number | null = null;

  constructor(
    private readonly counts: ActiveUsers,
    private readonly writer: ServiceCountWriter,
    private readonly serviceCounts: ServiceCountSpecApi,
    config: ConfigService<AppConfig, true>,
    private readonly clock: Clock,
    private readonly metrics: ScalingMetrics,
  ) {
    this.scaling = config.get('scaling', { infer: true });
    this.stabilizer = new ScaleDownStabilizer(this.scaling.stabilizationSeconds * 1000);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.seedFromResource();
    this.subscription = this.counts.counts$.subscribe((count) => this.onCount(count));
    await this.counts.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.subscription?.unsubscribe();
    this.reevaluation?.cancel();
    this.writer.stop();
    await this.counts.stop();
  }

  get state(): ScalingState {
    const { namespace, resourceName, stabilizationSeconds, policy } = this.scaling;
    return {
      activeUsers: this.activeUsers,
      recommendedReplicas: this.recommended,
      desiredReplicas: this.desired,
      policy: { ...policy, tiers: policy.tiers.map((tier) => ({ ...tier })), stabilizationSeconds },
      resource: { namespace, name: resourceName, ...this.writer.state },
    };
  }

  /** A new count: apply the policy and the stabilization, and hand the result to the writer. */
  onCount({ count, kind }: ActiveUserCount): void {
    this.activeUsers = count;
    this.recommended = replicasForActiveUsers(count, this.scaling.policy);
    this.apply(this.stabilizer.recommend(this.recommended, this.clock.now()), kind !== 'read');
  }

  private apply(replicas: number, reread = false): void {
    if (replicas !== this.desired) {
      this.logger.log(
        `Desired replicas ${this.desired ?? '(none)'} -> ${replicas} (${this.activeUsers} active users, policy says ${this.recommended})`,
      );
    }
    this.desired = replicas;
    this.metrics.desiredReplicas.set(replicas);
    this.writer.desire(replicas, { reread });
    this.scheduleReevaluation();
  }

  /**
   * Reads the resource's current spec.kiadaServiceCount (waiting at most SEED_TIMEOUT_MS;
   * any failure is ignored: the writer will retry) and records it as a recommendation made
   * now, so a lower count only takes effect after a full window.
   */
  private async seedFromResource(): Promise<void> {
    const { namespace, resourceName } = this.scaling;
    let timer: Timer | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = this.clock.setTimeout(() => resolve(null), SEED_TIMEOUT_MS);
    });
    try {
      const found = await Promise.race([
        this.serviceCounts.getServiceCount(namespace, resourceName),
        timeout,
      ]);
      const replicas = found?.spec.kiadaServiceCount;
      if (typeof replicas === 'number' && Number.isInteger(replicas) && replicas >= 0) {
        this.stabilizer.recommend(replicas, this.clock.now());
      }
    } catch (error) {
      this.logger.debug(
        `Could not read ${namespace}/${resourceName} at start-up: ${errorMessage(error)}`,
      );
    } finally {
      timer?.cancel();
    }
  }

  /** While a higher value holds the window, come back when it leaves it. */
  private scheduleReevaluation(): void {
    this.reevaluation?.cancel();
    this.reevaluation = undefined;
    const now = this.clock.now();
    const at = this.stabilizer.nextChangeAt(now);
    if (at === undefined) return;
    this.reevaluation = this.clock.setTimeout(() => {
      this.reevaluation = undefined;
      const replicas = this.stabilizer.stabilized(this.clock.now());
      if (replicas !== undefined) this.apply(replicas);
    }, at - now);
  }
}
