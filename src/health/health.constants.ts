/** Extra readiness checks (HealthIndicatorFunction[]) a role may add. */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/**
 * The database indicator /readyz pings, provided only to roles with a database. Its own
 * token because TerminusModule provides TypeOrmHealthIndicator to every role, so an
 * optional injection of that class would always resolve (and fail without a DataSource).
 */
export const DATABASE_HEALTH = Symbol('DATABASE_HEALTH');
