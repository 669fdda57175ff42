import { Controller, Get, Inject, Optional } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorFunction,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { DATABASE_HEALTH, READINESS_CHECKS } from './health.constants.js';
import { notReady } from './not-ready.js';

/**
 * No @nestjs/swagger here: the operator serves this controller and builds no OpenAPI
 * document, so it does not load swagger (0.25 s and 5 MB at start-up). The api
 * describes these routes when it builds its document (http/platform-openapi.ts). The file's
 * name leaves out `.controller.ts` for the same reason: the swagger CLI plugin (nest-cli.json)
 * adds `import * as openapi from '@nestjs/swagger'` to every file so named.
 */
export const HEALTH_CHECK_OPTIONS = { noCache: true, swaggerDocumentation: false };

/** What each probe answers (also their summaries in the api's OpenAPI document). */
export const PROBE_SUMMARIES = {
  liveness: 'Liveness: the process answers. Never depends on the database or the cluster.',
  readiness: 'Readiness: 503 with the failing check named when a dependency is down.',
} as const;

@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @Optional() @Inject(DATABASE_HEALTH) private readonly database?: TypeOrmHealthIndicator,
    @Optional()
    @Inject(READINESS_CHECKS)
    private readonly readinessChecks: HealthIndicatorFunction[] = [],
  ) {}

  @Get('healthz')
  @HealthCheck(HEALTH_CHECK_OPTIONS)
  liveness() {
    return this.health.check([]).catch((error: unknown) => Promise.reject(notReady(error)));
  }

  @Get('readyz')
  @HealthCheck(HEALTH_CHECK_OPTIONS)
  readiness() {
    return this.health
      .check([
        ...(this.database ? [() => this.database!.pingCheck('database', { timeout: 2000 })] : []),
        ...this.readinessChecks,
      ])
      .catch((error: unknown) => Promise.reject(notReady(error)));
  }
}
