import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import type { WatchableKind, WatchableKinds } from '../kubernetes.types.js';
import { ListWatchApi } from '../ports/list-watch.api.js';
import { Informer, InformerHandlers, InformerOptions } from './informer.js';

/** Builds informers on the injected ListWatchApi and Clock (tests bind fakes). */
@Injectable()
export class InformerFactory {
  constructor(
    private readonly listWatch: ListWatchApi,
    private readonly clock: Clock,
  ) {}

  create<K extends WatchableKind>(
    kind: K,
    namespace: string | undefined,
    handlers: InformerHandlers<WatchableKinds[K]>,
    options: InformerOptions,
  ): Informer<K> {
    return new Informer(this.listWatch, this.clock, kind, namespace, handlers, options);
  }
}
