/**
 * Every failure of a Kubernetes call, normalised so callers decide on retry by status:
 * 0 = the API server could not be reached; 404, 409, 410, 5xx as the API server said.
 */
export class KubernetesApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'KubernetesApiError';
  }

  get notFound(): boolean {
    return this.statusCode === 404;
  }

  get conflict(): boolean {
    return this.statusCode === 409;
  }

  /** No cluster is configured at all (a first run on a laptop): nothing to retry soon. */
  get notConfigured(): boolean {
    return this.reason === 'NotConfigured';
  }

  get gone(): boolean {
    return this.statusCode === 410;
  }

  /** Worth retrying: unreachable, conflict, throttled or a server-side error. */
  get retryable(): boolean {
    return (
      this.statusCode === 0 ||
      this.statusCode === 409 ||
      this.statusCode === 429 ||
      this.statusCode >= 500
    );
  }
}
