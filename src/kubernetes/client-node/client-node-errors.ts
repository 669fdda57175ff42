import { ApiException } from '#kubernetes-client';
import { errorMessage } from '../../common/error-message.js';
import { KubernetesApiError } from '../kubernetes-api.error.js';

export async function nullOn404<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (statusCodeOf(error) === 404) return null;
    throw error;
  }
}

function statusCodeOf(error: unknown): number {
  if (error instanceof KubernetesApiError) return error.statusCode;
  if (error instanceof ApiException) return error.code;
  const code = (error as { statusCode?: unknown; code?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : 0;
}

/** Normalises any client error: ApiException -> its HTTP status, network errors -> 0. */
export function toKubernetesApiError(error: unknown, what: string): KubernetesApiError {
  if (error instanceof KubernetesApiError) return error;
  if (error instanceof ApiException) {
    const status = parseStatus(error.body);
    return new KubernetesApiError(
      error.code,
      `${what}: ${status?.message ?? `HTTP ${error.code}`}`,
      status?.reason,
    );
  }
  const statusCode = statusCodeOf(error);
  if (statusCode) return new KubernetesApiError(statusCode, `${what}: ${errorMessage(error)}`);
  return new KubernetesApiError(
    0,
    `${what}: Kubernetes API server unreachable (${errorMessage(error)})`,
  );
}

export function statusToError(object: unknown, what: string): KubernetesApiError {
  const status = (object ?? {}) as { code?: number; message?: string; reason?: string };
  return new KubernetesApiError(
    typeof status.code === 'number' ? status.code : 500,
    `${what}: ${status.message ?? 'watch error'}`,
    status.reason,
  );
}

function parseStatus(body: unknown): { message?: string; reason?: string } | undefined {
  try {
    const parsed: unknown = typeof body === 'string' ? JSON.parse(body) : body;
    return parsed && typeof parsed === 'object'
      ? (parsed as { message?: string; reason?: string })
      : undefined;
  } catch {
    return typeof body === 'string' && body ? { message: body } : undefined;
  }
}
