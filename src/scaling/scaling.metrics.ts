import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { registerOnce } from '../metrics/register-once.js';
import { DECISION_REASON_CODES } from './decision-reasons.js';

/** The scaling side's Prometheus metrics, on prom-client's default registry (served at /metrics). */
@Injectable()
export class ScalingMetrics {
  readonly activeUsers = registerOnce(
    'kiada_active_users',
    () =>
      new Gauge({ name: 'kiada_active_users', help: 'Users holding at least one live session.' }),
  );

  readonly desiredReplicas = registerOnce(
    'kiada_desired_replicas',
    () =>
      new Gauge({
        name: 'kiada_desired_replicas',
        help: "Replicas this process wants in the KiadaServiceCount (after the policy's rules and the scale-down window).",
      }),
  );

  readonly writes = registerOnce(
    'kiada_resource_writes_total',
    () =>
      new Counter({
        name: 'kiada_resource_writes_total',
        help: 'Successful writes of spec.kiadaServiceCount, by operation (patch, create).',
        labelNames: ['operation'] as const,
      }),
  );

  readonly writeErrors = registerOnce(
    'kiada_resource_write_errors_total',
    () =>
      new Counter({
        name: 'kiada_resource_write_errors_total',
        help: 'Failed attempts to read or write the KiadaServiceCount, by Kubernetes API status code (0: unreachable).',
        labelNames: ['code'] as const,
      }),
  );

  readonly recountDuration = registerOnce(
    'kiada_active_users_recount_duration_seconds',
    () =>
      new Histogram({
        name: 'kiada_active_users_recount_duration_seconds',
        help: 'Time taken to bring the active-user count up to date, by kind (read: kept count, sweep: expired sessions, recount: full recount).',
        labelNames: ['kind'] as const,
        buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      }),
  );

  readonly decisions = registerOnce(
    'kiada_scaling_decisions_total',
    () =>
      new Counter({
        name: 'kiada_scaling_decisions_total',
        help: `Scaling decisions recorded, by reason (${DECISION_REASON_CODES.join(', ')}).`,
        labelNames: ['reason'] as const,
      }),
  );

  readonly decisionsPending = registerOnce(
    'kiada_scaling_decisions_pending',
    () =>
      new Gauge({
        name: 'kiada_scaling_decisions_pending',
        help: 'Decisions waiting to be stored (the database is unreachable; they are retried).',
      }),
  );
}
