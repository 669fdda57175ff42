import { Global, Module } from '@nestjs/common';
import { Clock, SystemClock } from './clock.js';

/**
 * The wall clock, bound once for the whole app (AppModule imports it); a test module binds
 * FakeClock instead, or imports this one.
 */
@Global()
@Module({
  providers: [{ provide: Clock, useClass: SystemClock }],
  exports: [Clock],
})
export class ClockModule {}
