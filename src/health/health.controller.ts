import { Controller, Get, Inject, Optional } from '@nestjs/common';
import { ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorFunction,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { DATABASE_HEALTH, READINESS_CHECKS } from './health.constants.js';
import { notReady } from './not-ready.js';

/** Declared above @HealthCheck() so it replaces terminus's own 503 body in the document. */
const NOT_READY = ApiServiceUnavailableResponse({
  type: ErrorResponseDto,
  description: 'A check failed (the message names it), or the process is shutting down.',
});

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
  @NOT_READY
  @HealthCheck()
  liveness() {
    return this.health.check([]).catch((error: unknown) => Promise.reject(notReady(error)));
  }

  /** Readiness: 503 with the failing check named when a dependency is down. */
  @Get('readyz')
  @NOT_READY
  @HealthCheck()
  readiness() {
    return this.health
      .check([
        ...(this.database ? [() => this.database!.pingCheck('database', { timeout: 2000 })] : []),
        ...this.readinessChecks,
      ])
      .catch((error: unknown) => Promise.reject(notReady(error)));
  }
}
