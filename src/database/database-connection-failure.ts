import type { DatabaseConfig } from '../config/index.js';

interface MaybeMysqlError {
  code?: unknown;
  errno?: unknown;
  message?: unknown;
  /** Set by Node's host name check (tls.checkServerIdentity), which mysql2 passes on. */
  reason?: unknown;
  host?: unknown;
}

/** MySQL 8's ER_SECURE_TRANSPORT_REQUIRED; MariaDB answers such a client with 1045. */
const SECURE_TRANSPORT_REQUIRED = 3159;
const ACCESS_DENIED = 1045;

/**
 * A sentence naming why a connection to the MySQL server failed and what to change, for
 * the failures that waiting does not cure (TLS set up wrong on either side, credentials
 * refused); undefined for anything else (a server still starting is retried). Pure.
 */
export function describeConnectionFailure(
  error: unknown,
  database: DatabaseConfig,
): string | undefined {
  if (database.type !== 'mysql' || !error || typeof error !== 'object') return undefined;
  const failure = error as MaybeMysqlError;
  const detail = typeof failure.message === 'string' ? failure.message : String(failure.code);
  const { mode, caPath } = database.tls;
  const cause = ((): string | undefined => {
    if (failure.code === 'HANDSHAKE_NO_SSL_SUPPORT') {
      return `the server does not offer TLS, and DATABASE_SSL_MODE=${mode} needs it: enable TLS on the server, or set DATABASE_SSL_MODE=disable`;
    }
    if (failure.code === 'HANDSHAKE_SSL_ERROR' && typeof failure.reason === 'string') {
      return `its TLS certificate does not name the host ${String(failure.host)} (${failure.reason}): connect by a name the certificate lists (DATABASE_URL), or set DATABASE_SSL_MODE=verify-ca to verify the CA only`;
    }
    if (failure.code === 'HANDSHAKE_SSL_ERROR') {
      const trusted = caPath
        ? `the CA in DATABASE_SSL_CA (${caPath})`
        : 'a CA Node.js trusts (DATABASE_SSL_CA is unset)';
      return `its TLS certificate is not signed by ${trusted} (${detail}): set DATABASE_SSL_CA to the file of the CA that issued the server's certificate`;
    }
    if (failure.errno === SECURE_TRANSPORT_REQUIRED) {
      return `the server requires TLS (${detail}): set DATABASE_SSL_MODE=verify-full and DATABASE_SSL_CA`;
    }
    if (failure.errno === ACCESS_DENIED && mode === 'disable') {
      return `the server denied access (${detail}) to a connection without TLS (DATABASE_SSL_MODE=disable): if the server requires TLS (MariaDB answers so with require_secure_transport=ON), set DATABASE_SSL_MODE=verify-full and DATABASE_SSL_CA; else fix the user or password in DATABASE_URL`;
    }
    if (failure.errno === ACCESS_DENIED) {
      return `the server denied access (${detail}): fix the user or password in DATABASE_URL`;
    }
    return undefined;
  })();
  if (!cause) return undefined;
  const url = new URL(database.url!);
  return `Cannot connect to the database at ${url.hostname}:${url.port || 3306}: ${cause}`;
}
