import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/index.js';
import { describeConnectionFailure } from './database-connection-failure.js';
import { buildDataSourceOptions } from './data-source-options.js';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<AppConfig, true>) => {
        const database = config.get('database', { infer: true });
        return {
          ...buildDataSourceOptions(database),
          autoLoadEntities: true,
          migrationsRun: database.migrate,
          retryAttempts: 10,
          retryDelay: 2000,
          // TLS set up wrong, or credentials refused: no wait cures it (main.ts says why).
          toRetry: (error: unknown) => describeConnectionFailure(error, database) === undefined,
        };
      },
    }),
  ],
})
export class DatabaseModule {}
