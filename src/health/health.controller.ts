import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorFunction,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { DATABASE_HEALTH, READINESS_CHECKS } from './health.constants.js';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @Optional() @Inject(DATABASE_HEALTH) private readonly database?: TypeOrmHealthIndicator,
    @Optional()
    @Inject(READINESS_CHECKS)
    private readonly readinessChecks: HealthIndicatorFunction[] = [],
  ) {}

  /** Liveness: the process answers. Never depends on the database or the cluster. */
  @Get('healthz')
  @HealthCheck()
  liveness() {
    return this.health.check([]);
  }

  /** Readiness: 503 with the failing check named when a dependency is down. */
  @Get('readyz')
  @HealthCheck()
  readiness() {
    return this.health.check([
      ...(this.database ? [() => this.database!.pingCheck('database', { timeout: 2000 })] : []),
      ...this.readinessChecks,
    ]);
  }
}
