import { Module } from '@nestjs/common';
import { Clock, SystemClock } from '../common/clock.js';
import { KubernetesModule } from '../kubernetes/kubernetes.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { ActiveUsers } from './active-users.service.js';
import { ScalingController } from './scaling.controller.js';
import { ScalingMetrics } from './scaling.metrics.js';
import { ScalingService } from './scaling.service.js';
import { ServiceCountWriter } from './service-count.writer.js';

/**
 * Active users -> tier policy -> stabilization -> KiadaServiceCount (README, "How a login
 * becomes replicas"). Reads the count and auth events from SessionsModule.
 */
@Module({
  imports: [SessionsModule, KubernetesModule],
  controllers: [ScalingController],
  providers: [
    { provide: Clock, useClass: SystemClock },
    ScalingMetrics,
    ActiveUsers,
    ServiceCountWriter,
    ScalingService,
  ],
  exports: [ScalingService],
})
export class ScalingModule {}
