import type { EventRecord } from '../kubernetes.types.js';

/** Records core/v1 Events (what `kubectl describe` shows). Rejects with KubernetesApiError. */
export abstract class EventApi {
  abstract recordEvent(event: EventRecord): Promise<void>;
}
