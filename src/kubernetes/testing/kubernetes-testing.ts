import type { TestingModuleBuilder } from '@nestjs/testing';
import { KUBERNETES_PORTS } from '../kubernetes.module.js';
import type { InMemoryKubernetes } from './in-memory-kubernetes.js';

/** Binds every Kubernetes port of a testing module to `fake`. */
export function overrideKubernetes(
  builder: TestingModuleBuilder,
  fake: InMemoryKubernetes,
): TestingModuleBuilder {
  return KUBERNETES_PORTS.reduce(
    (current, port) => current.overrideProvider(port).useValue(fake),
    builder,
  );
}

/** Providers binding every Kubernetes port to `fake` (for modules built by hand). */
export function inMemoryKubernetesProviders(fake: InMemoryKubernetes) {
  return KUBERNETES_PORTS.map((port) => ({ provide: port, useValue: fake }));
}
