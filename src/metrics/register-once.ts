import { register, type Metric } from 'prom-client';

/**
 * Returns the metric named `name` from prom-client's default registry (served at /metrics),
 * creating it on first use: several Nest apps in one process (tests) share the registry.
 */
export function registerOnce<T extends Metric>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}
