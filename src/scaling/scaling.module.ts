import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { KubernetesModule } from '../kubernetes/kubernetes.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { InformerFactory } from '../kubernetes/informer/informer.factory.js';
import { ActiveUsers } from './active-users.service.js';
import { DecisionRecorder } from './decisions/decision-recorder.service.js';
import { DecisionRepository, TypeormDecisionRepository } from './decisions/decision.repository.js';
import { DecisionRetentionJob } from './decisions/decision-retention.job.js';
import { ScalingDecision } from './decisions/scaling-decision.entity.js';
import { ScalingResourceView } from './scaling-resource.view.js';
import { ScalingController } from './scaling.controller.js';
import { ScalingMetrics } from './scaling.metrics.js';
import { ScalingService } from './scaling.service.js';
import { ServiceCountWriter } from './service-count.writer.js';
import { ScalingTimeline } from './timeline/scaling-timeline.service.js';

/**
 * Active users -> tier policy -> stabilization -> KiadaServiceCount (docs/architecture.md, "How a login
 * becomes replicas"). Reads the count and auth events from SessionsModule.
 */
@Module({
  imports: [SessionsModule, KubernetesModule, TypeOrmModule.forFeature([ScalingDecision])],
  controllers: [ScalingController],
  providers: [
    ScalingMetrics,
    InformerFactory,
    ScalingResourceView,
    { provide: DecisionRepository, useClass: TypeormDecisionRepository },
    DecisionRecorder,
    DecisionRetentionJob,
    ActiveUsers,
    ServiceCountWriter,
    ScalingService,
    ScalingTimeline,
  ],
  exports: [ScalingService],
})
export class ScalingModule {}
