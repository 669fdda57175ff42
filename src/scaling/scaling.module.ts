import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { KubernetesModule } from '../kubernetes/kubernetes.module.js';
import { Clock, SystemClock } from '../common/clock.js';
import { ActiveUsers } from './active-users.service.js';
import { ScalingController } from './scaling.controller.js';
import { ScalingMetrics } from './scaling.metrics.js';
import { ScalingService } from './scaling.service.js';
import { ServiceCountWriter } from './service-count.writer.js';

/** Active users -> tier policy -> stabilization -> KiadaServiceCount (DESIGN.md, "Data flow"). */
@Module({
  imports: [AuthModule, KubernetesModule],
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
