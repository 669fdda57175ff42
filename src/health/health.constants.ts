/** Extra readiness checks (HealthIndicatorFunction[]) a role may add. */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
