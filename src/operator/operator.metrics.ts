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

  readonly paused = registerOnce(
    'kiada_operator_paused',
    () =>
      new Gauge({
        name: 'kiada_operator_paused',
        help: '1 while a KiadaServiceCount is paused by its annotations (the Deployment is held), else 0.',
        labelNames: ['namespace', 'name'] as const,
      }),
  );

  readonly signalFresh = registerOnce(
    'kiada_operator_signal_fresh',
    () =>
      new Gauge({
        name: 'kiada_operator_signal_fresh',
        help: "1 while the api's signal is fresh (or not yet armed), 0 when stale and the fallback rules apply.",
        labelNames: ['namespace', 'name'] as const,
      }),
  );

  readonly desiredReplicas = registerOnce(
    'kiada_operator_desired_replicas',
    () =>
      new Gauge({
        name: 'kiada_operator_desired_replicas',
        help: 'spec.kiadaServiceCount of a KiadaServiceCount (what the autoscaler asks for).',
        labelNames: ['namespace', 'name'] as const,
      }),
  );

  readonly readyReplicas = registerOnce(
    'kiada_operator_ready_replicas',
    () =>
      new Gauge({
        name: 'kiada_operator_ready_replicas',
        help: "Ready replicas of a KiadaServiceCount's target Deployment.",
        labelNames: ['namespace', 'name'] as const,
      }),
  );

  readonly reaction = registerOnce(
    'kiada_operator_reaction_seconds',
    () =>
      new Histogram({
        name: 'kiada_operator_reaction_seconds',
        help: "Time from the api's decision (its decision annotation) to the operator's write of the Deployment's replicas.",
        buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      }),
  );

  /** Drops the per-resource series of a deleted KiadaServiceCount. */
  forget(namespace: string, name: string): void {
    for (const gauge of [this.paused, this.signalFresh, this.desiredReplicas, this.readyReplicas]) {
      gauge.remove({ namespace, name });
    }
  }
}
