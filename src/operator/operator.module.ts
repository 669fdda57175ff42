import { Module } from '@nestjs/common';
import { KubernetesModule } from '../kubernetes/kubernetes.module.js';
import { InformerFactory } from '../kubernetes/informer/informer.factory.js';
import { KiadaServiceCountReconciler } from './kiada-service-count.reconciler.js';
import { OperatorCache } from './operator-cache.js';
import { OperatorMetrics } from './operator.metrics.js';
import { OperatorService } from './operator.service.js';

/** The operator role: informers + work queue + reconciler, behind leader election. */
@Module({
  imports: [KubernetesModule],
  providers: [
    InformerFactory,
    OperatorCache,
    KiadaServiceCountReconciler,
    OperatorMetrics,
    OperatorService,
  ],
  exports: [OperatorService],
})
export class OperatorModule {}
