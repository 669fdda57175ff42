import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { DatabaseTlsConfig } from './app-config.js';
import { ConfigError } from './config-error.js';

/** The names MySQL's and PostgreSQL's clients use (--ssl-mode, sslmode), lower case. */
export const DATABASE_SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type DatabaseSslMode = (typeof DATABASE_SSL_MODES)[number];

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * DATABASE_SSL_MODE and DATABASE_SSL_CA, checked against each other and DATABASE_URL:
 * a CA only where it is used (verify-*), TLS only with a MySQL URL, and verify-full only
 * with a host name (the MySQL driver checks a certificate's names, not its IP addresses:
 * an IP address would pass unchecked). The CA file is read and parsed here, once.
 */
export function loadDatabaseTls(
  mode: DatabaseSslMode = 'disable',
  caPath: string | undefined,
  databaseUrl: string | undefined,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): DatabaseTlsConfig {
  if (mode !== 'disable' && !databaseUrl) {
    throw new ConfigError(
      'DATABASE_SSL_MODE',
      'applies to the MySQL server of DATABASE_URL, which is unset (the embedded SQLite file needs no TLS): set DATABASE_URL, or unset DATABASE_SSL_MODE',
      mode,
    );
  }
  if (caPath && (mode === 'disable' || mode === 'require')) {
    throw new ConfigError(
      'DATABASE_SSL_CA',
      `is set, but DATABASE_SSL_MODE=${mode} does not verify the server with it: set DATABASE_SSL_MODE=verify-full (or verify-ca)`,
      caPath,
    );
  }
  if (mode === 'verify-full' && databaseUrl) {
    const host = new URL(databaseUrl).hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) {
      throw new ConfigError(
        'DATABASE_SSL_MODE',
        `is verify-full, which checks the server's host name, but DATABASE_URL names the IP address ${host}, which the MySQL driver cannot check against the certificate: use the host name the certificate names, or DATABASE_SSL_MODE=verify-ca`,
        mode,
      );
    }
  }
  return { mode, caPath, ca: caPath ? readCa(caPath, readFile) : undefined };
}

/** The PEM text of the CA file, once every certificate in it has parsed. */
function readCa(path: string, readFile: (path: string) => string): string {
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(
      'DATABASE_SSL_CA',
      `cannot be read (${reason}): mount the CA certificate file and point DATABASE_SSL_CA at it`,
      path,
    );
  }
  const certificates = text.match(PEM_CERTIFICATE) ?? [];
  if (certificates.length === 0) {
    throw new ConfigError(
      'DATABASE_SSL_CA',
      'holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the CA certificate (or bundle) in PEM form',
      path,
    );
  }
  certificates.forEach((pem, index) => {
    try {
      new X509Certificate(pem);
    } catch (error) {
      throw new ConfigError(
        'DATABASE_SSL_CA',
        `holds a certificate that does not parse (number ${index + 1}: ${(error as Error).message}): give the CA certificate in PEM form`,
        path,
      );
    }
  });
  return text;
}
