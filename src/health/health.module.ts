import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { DATABASE_HEALTH } from './health.constants.js';
import { HealthController } from './health-probes.js';

@Module({})
export class HealthModule {
  /** `withDatabase`: /readyz pings the database (roles that have one). */
  static forRoot({ withDatabase }: { withDatabase: boolean }): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'json', gracefulShutdownTimeoutMs: 0 })],
      controllers: [HealthController],
      providers: withDatabase
        ? [
            TypeOrmHealthIndicator,
            { provide: DATABASE_HEALTH, useExisting: TypeOrmHealthIndicator },
          ]
        : [],
    };
  }
}
