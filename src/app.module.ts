import { DynamicModule, Module, type Type } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { AuthModule } from './auth/auth.module.js';
import { AllExceptionsFilter } from './common/all-exceptions.filter.js';
import { AppConfigModule, type AppConfig } from './config/index.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { OperatorModule } from './operator/operator.module.js';
import { ScalingModule } from './scaling/scaling.module.js';
import { UsersModule } from './users/users.module.js';

/**
 * The feature modules each APP_ROLE runs (README, "roles"): `api` serves auth and scaling,
 * `operator` reconciles, `all` runs both in one process; `migrate` never gets here (main.ts
 * applies the migrations and exits).
 */
export function featureModules(role: AppConfig['role']): Array<Type | DynamicModule> {
  const api = [DatabaseModule, UsersModule, AuthModule, ScalingModule];
  const operator = [OperatorModule];
  switch (role) {
    case 'api':
      return api;
    case 'operator':
      return operator;
    default:
      return [...api, ...operator];
  }
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const withDatabase = config.role !== 'operator';
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        ScheduleModule.forRoot(),
        ...featureModules(config.role),
        HealthModule.forRoot({ withDatabase }),
        MetricsModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}
