import { KubernetesApiError } from '../kubernetes-api.error.js';

/** More writes than this to one object in one test can only be a write loop. */
export const WRITE_LOOP_LIMIT = 500;

export interface RecordedCall<M extends string> {
  method: M;
  args: unknown[];
}

/**
 * What every fake API of the unit tests does: records each call, fails calls on demand
 * (`failNext`), and stops a write loop (more than WRITE_LOOP_LIMIT writes to one object)
 * with an error, so the test fails at once instead of spinning until memory runs out.
 */
export abstract class RecordingFake<M extends string> {
  readonly calls: Array<RecordedCall<M>> = [];
  private readonly failures: Array<{ method: M; error: KubernetesApiError }> = [];
  private readonly writes = new Map<string, number>();

  /**
   * The next `times` calls of `method` reject with this status (0 = unreachable), and
   * `reason` (e.g. `NotConfigured`: no cluster configured at all).
   */
  failNext(method: M, statusCode: number, times = 1, reason?: string): void {
    for (let i = 0; i < times; i++) {
      this.failures.push({
        method,
        error: new KubernetesApiError(statusCode, `injected ${statusCode} on ${method}`, reason),
      });
    }
  }

  callsOf(method: M): unknown[][] {
    return this.calls.filter((call) => call.method === method).map((call) => call.args);
  }

  /** Records a call; throws the failure injected for it, if any. */
  protected enter(method: M, args: unknown[]): void {
    this.calls.push({ method, args });
    const index = this.failures.findIndex((failure) => failure.method === method);
    if (index >= 0) {
      const [failure] = this.failures.splice(index, 1);
      throw failure.error;
    }
  }

  /** Counts a write to `object` (e.g. "Deployment ns/name"); throws past WRITE_LOOP_LIMIT. */
  protected countWrite(object: string): void {
    const writes = (this.writes.get(object) ?? 0) + 1;
    this.writes.set(object, writes);
    if (writes > WRITE_LOOP_LIMIT) {
      throw new Error(`write loop: more than ${WRITE_LOOP_LIMIT} writes to ${object} in one test`);
    }
  }
}
