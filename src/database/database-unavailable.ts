/** Seconds a client is asked to wait (Retry-After) while the database is unreachable. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Driver codes that mean "the database could not be reached", not "the query was wrong". */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'SQLITE_BUSY',
]);
/** MySQL/MariaDB errnos of the same meaning (server shutting down, too many connections). */
const UNREACHABLE_ERRNOS = new Set([1053, 1040, 2002, 2003, 2006, 2013]);
/** TypeORM's errors for a data source that has lost (or never had) its connection. */
const UNREACHABLE_NAMES = new Set(['CannotExecuteNotConnectedError', 'ConnectionIsNotSetError']);

interface MaybeDriverError {
  name?: unknown;
  code?: unknown;
  errno?: unknown;
  driverError?: unknown;
  cause?: unknown;
}

/**
 * Whether `error` says the database is unreachable (down, restarting, refusing or dropping
 * connections): such a request gets 503 with Retry-After, not 500. Looks through TypeORM's
 * driverError and `cause` chains. Pure.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const candidate = error as MaybeDriverError;
  if (typeof candidate.name === 'string' && UNREACHABLE_NAMES.has(candidate.name)) return true;
  if (typeof candidate.code === 'string' && UNREACHABLE_CODES.has(candidate.code)) return true;
  if (typeof candidate.errno === 'number' && UNREACHABLE_ERRNOS.has(candidate.errno)) return true;
  return (
    isDatabaseUnavailable(candidate.driverError, depth + 1) ||
    isDatabaseUnavailable(candidate.cause, depth + 1)
  );
}
