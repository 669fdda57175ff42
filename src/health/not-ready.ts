import { ServiceUnavailableException } from '@nestjs/common';

interface IndicatorResult {
  status?: unknown;
  message?: unknown;
}

/**
 * Terminus reports a failed check as a 503 whose body is its own result object; the API's
 * error filter would turn that into "Service Unavailable Exception". This names each
 * failing check instead, so /healthz and /readyz answer 503 in the one error shape with a
 * message a person can act on (`details` lists the checks when several fail).
 */
export function notReady(error: unknown): unknown {
  if (!(error instanceof ServiceUnavailableException)) return error;
  const result = error.getResponse() as {
    status?: unknown;
    error?: Record<string, IndicatorResult>;
  };
  if (result.status === 'shutting_down') {
    return new ServiceUnavailableException('Not ready: the process is shutting down.');
  }
  const failing = Object.entries(result.error ?? {}).map(
    ([name, check]) =>
      `Not ready: ${name} is ${String(check.status ?? 'down')}` +
      (typeof check.message === 'string' && check.message ? ` (${check.message})` : '') +
      '.',
  );
  return new ServiceUnavailableException(failing.length > 0 ? failing : 'Not ready.');
}
