import { DynamicModule, Module, type Type } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { AllExceptionsFilter } from './http/all-exceptions.filter.js';
import { ClockModule } from './common/clock.module.js';
import { AppConfigModule, type AppConfig } from './config/index.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';

type FeatureModule = Type | DynamicModule;

// One import after the other: Jest's ESM loader fails on parallel imports of shared
// modules, and in Node they are CPU-bound work anyway.
const apiModules = async (): Promise<FeatureModule[]> => [
  (await import('./database/database.module.js')).DatabaseModule,
  (await import('./users/users.module.js')).UsersModule,
  (await import('./auth/auth.module.js')).AuthModule,
  (await import('./scaling/scaling.module.js')).ScalingModule,
];

const operatorModules = async (): Promise<FeatureModule[]> => [
  (await import('./operator/operator.module.js')).OperatorModule,
];

/**
 * The feature modules each APP_ROLE runs (docs/architecture.md, "Roles"): `api` serves auth and scaling,
 * `operator` reconciles, `all` runs both in one process; `migrate` never gets here (main.ts
 * applies the migrations and exits). Imported on demand, so a process loads only its role's
 * code: the operator holds no TypeORM, passport or argon2 (tens of MB of RSS).
 */
export async function featureModules(role: AppConfig['role']): Promise<FeatureModule[]> {
  switch (role) {
    case 'api':
      return apiModules();
    case 'operator':
      return operatorModules();
    default:
      return [...(await apiModules()), ...(await operatorModules())];
  }
}

@Module({})
export class AppModule {
  static async forRoot(config: AppConfig): Promise<DynamicModule> {
    const withDatabase = config.role !== 'operator';
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        ClockModule,
        ScheduleModule.forRoot(),
        ...(await featureModules(config.role)),
        HealthModule.forRoot({ withDatabase }),
        MetricsModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}
