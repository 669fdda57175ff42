import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { registerOnce } from '../metrics/register-once.js';

/** The operator's Prometheus metrics, on prom-client's default registry (served at /metrics). */
@Injectable()
export class OperatorMetrics {
  readonly reconciles = registerOnce(
    'kiada_operator_reconciles_total',
    () =>
      new Counter({
        name: 'kiada_operator_reconciles_total',
        help: 'Reconciles of KiadaServiceCount resources, by result (success, error).',
        labelNames: ['result'] as const,
      }),
  );

  readonly errors = registerOnce(
    'kiada_operator_reconcile_errors_total',
    () =>
      new Counter({
        name: 'kiada_operator_reconcile_errors_total',
        help: 'Failed reconciles, by Kubernetes API status code (0: API server unreachable).',
        labelNames: ['code'] as const,
      }),
  );

  readonly duration = registerOnce(
    'kiada_operator_reconcile_duration_seconds',
    () =>
      new Histogram({
        name: 'kiada_operator_reconcile_duration_seconds',
        help: 'Time taken by one reconcile.',
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      }),
  );

  readonly queueDepth = registerOnce(
    'kiada_operator_queue_depth',
    () =>
      new Gauge({
        name: 'kiada_operator_queue_depth',
        help: 'Keys waiting in the reconcile work queue.',
      }),
  );

  readonly leader = registerOnce(
    'kiada_operator_leader',
    () =>
      new Gauge({
        name: 'kiada_operator_leader',
        help: '1 while this process holds the leader Lease (or runs without leader election), else 0.',
      }),
  );

  readonly scales = registerOnce(
    'kiada_operator_scales_total',
    () =>
      new Counter({
        name: 'kiada_operator_scales_total',
        help: 'Replica changes written to target Deployments, by direction (up, down).',
        labelNames: ['direction'] as const,
      }),
  );

  readonly watchRestarts = registerOnce(
    'kiada_operator_watch_restarts_total',
    () =>
      new Counter({
        name: 'kiada_operator_watch_restarts_total',
        help: 'Reopened lists/watches, by kind and reason (error, gone, watchdog, closed).',
        labelNames: ['kind', 'reason'] as const,
      }),
  );
}
