import { ConfigService } from '@nestjs/config';
import { FakeClock } from '../../common/testing/fake-clock.js';
import { loadConfig, type AppConfig } from '../../config/index.js';
import { InformerFactory } from '../../kubernetes/informer/informer.factory.js';
import { InMemoryKubernetes } from '../../kubernetes/testing/in-memory-kubernetes.js';
import { AuthEvents } from '../../sessions/auth-events.js';
import { FakeActiveUserCountSource } from '../../sessions/testing/fake-active-user-count.source.js';
import { ActiveUsers } from '../active-users.service.js';
import { DecisionRecorder } from '../decisions/decision-recorder.service.js';
import { InMemoryDecisionRepository } from '../decisions/testing/in-memory-decision.repository.js';
import { ScalingResourceView } from '../scaling-resource.view.js';
import { ScalingMetrics } from '../scaling.metrics.js';
import { ScalingService } from '../scaling.service.js';
import { ServiceCountWriter } from '../service-count.writer.js';
import { ScalingTimeline } from '../timeline/scaling-timeline.service.js';

/** The scaling pipeline wired by hand on fakes: an in-memory API server, count and record. */
export function scalingHarness(env: Record<string, string> = {}) {
  const clock = new FakeClock(Date.parse('2026-12-01T09:00:00Z'));
  const source = new FakeActiveUserCountSource();
  const events = new AuthEvents();
  const kube = new InMemoryKubernetes();
  const decisions = new InMemoryDecisionRepository();
  const config = new ConfigService<AppConfig, true>(
    loadConfig({ SCALING_STABILIZATION_SECONDS: '300', SCALING_COALESCE_MS: '50', ...env }),
  );
  const metrics = new ScalingMetrics();
  const activeUsers = new ActiveUsers(source, events, config, clock, metrics);
  const view = new ScalingResourceView(new InformerFactory(kube, clock), config, clock);
  const recorder = new DecisionRecorder(decisions, kube, metrics, clock);
  const writer = new ServiceCountWriter(kube, view, recorder, config, clock, metrics);
  const service = new ScalingService(activeUsers, writer, view, recorder, config, clock, metrics);
  const timeline = new ScalingTimeline(service, view, recorder, clock);
  const scaling = config.get('scaling', { infer: true });
  return {
    clock,
    source,
    events,
    kube,
    decisions,
    activeUsers,
    view,
    recorder,
    writer,
    service,
    timeline,
    namespace: scaling.namespace,
    name: scaling.resourceName,
    /** spec.kiadaServiceCount as the API server holds it. */
    stored: () =>
      kube.serviceCount(scaling.namespace, scaling.resourceName)?.spec.kiadaServiceCount,
    resource: () => kube.serviceCount(scaling.namespace, scaling.resourceName),
    /** The spec patches sent, in order. */
    patches: () => kube.callsOf('patchServiceCountSpec').map(([, , spec]) => spec),
    login: () => events.emit({ type: 'login', userId: 1 }),
    async shutDown() {
      timeline.beforeApplicationShutdown();
      await service.onModuleDestroy();
      view.onApplicationShutdown();
      await recorder.onModuleDestroy();
    },
  };
}
