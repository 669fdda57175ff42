import { Injectable } from '@nestjs/common';
import {
  KubernetesGateway,
  WatchableKind,
  WatchableKinds,
} from '../kubernetes/kubernetes.gateway.js';
import { Clock } from '../common/clock.js';
import { Informer, InformerHandlers, InformerOptions } from './informer.js';

/** Builds informers on the injected KubernetesGateway and Clock (tests bind fakes). */
@Injectable()
export class InformerFactory {
  constructor(
    private readonly gateway: KubernetesGateway,
    private readonly clock: Clock,
  ) {}

  create<K extends WatchableKind>(
    kind: K,
    namespace: string | undefined,
    handlers: InformerHandlers<WatchableKinds[K]>,
    options: InformerOptions,
  ): Informer<K> {
    return new Informer(this.gateway, this.clock, kind, namespace, handlers, options);
  }
}
