import type { DatabaseConfig } from '../config/index.js';
import { describeConnectionFailure } from './database-connection-failure.js';

const database = (tls: DatabaseConfig['tls']): DatabaseConfig => ({
  type: 'mysql',
  url: 'mysql://kiada:secret@db.example.com:3307/kiada',
  sqlitePath: '',
  migrate: false,
  tls,
});
const VERIFY_FULL = database({ mode: 'verify-full', caPath: '/etc/db-ca/ca.crt', ca: 'PEM' });

/** The errors as mysql2 3.24 rejects with them (shapes taken from real failures). */
const errors = {
  wrongCa: Object.assign(new Error('self-signed certificate in certificate chain'), {
    code: 'HANDSHAKE_SSL_ERROR',
    fatal: true,
  }),
  wrongHost: Object.assign(
    new Error(
      "Hostname/IP does not match certificate's altnames: Host: db.example.com. is not in the cert's altnames: DNS:other.example.com",
    ),
    {
      code: 'HANDSHAKE_SSL_ERROR',
      reason: "Host: db.example.com. is not in the cert's altnames: DNS:other.example.com",
      host: 'db.example.com',
      fatal: true,
    },
  ),
  noTls: Object.assign(new Error('Server does not support secure connection'), {
    code: 'HANDSHAKE_NO_SSL_SUPPORT',
    fatal: true,
  }),
  accessDenied: Object.assign(
    new Error("Access denied for user 'kiada'@'10.0.0.9' (using password: YES)"),
    { code: 'ER_ACCESS_DENIED_ERROR', errno: 1045, fatal: true },
  ),
  secureTransportRequired: Object.assign(
    new Error(
      'Connections using insecure transport are prohibited while --require_secure_transport=ON.',
    ),
    { code: 'ER_SECURE_TRANSPORT_REQUIRED', errno: 3159, fatal: true },
  ),
  refused: Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:3307'), {
    code: 'ECONNREFUSED',
    errno: -111,
  }),
};

describe('describeConnectionFailure', () => {
  it('names the CA file that does not match the server certificate', () => {
    expect(describeConnectionFailure(errors.wrongCa, VERIFY_FULL)).toBe(
      "Cannot connect to the database at db.example.com:3307: its TLS certificate is not signed by the CA in DATABASE_SSL_CA (/etc/db-ca/ca.crt) (self-signed certificate in certificate chain): set DATABASE_SSL_CA to the file of the CA that issued the server's certificate",
    );
  });

  it("says Node.js's own CAs were used when no CA file is set", () => {
    expect(describeConnectionFailure(errors.wrongCa, database({ mode: 'verify-ca' }))).toContain(
      'not signed by a CA Node.js trusts (DATABASE_SSL_CA is unset)',
    );
  });

  it('names the host the certificate does not list, and verify-ca as the way out', () => {
    const message = describeConnectionFailure(errors.wrongHost, VERIFY_FULL);
    expect(message).toContain('its TLS certificate does not name the host db.example.com');
    expect(message).toContain('DNS:other.example.com');
    expect(message).toContain('DATABASE_SSL_MODE=verify-ca');
  });

  it('says the server offers no TLS when a mode needs it', () => {
    expect(describeConnectionFailure(errors.noTls, VERIFY_FULL)).toContain(
      'the server does not offer TLS, and DATABASE_SSL_MODE=verify-full needs it',
    );
  });

  it("says the server requires TLS (MySQL's own error)", () => {
    expect(
      describeConnectionFailure(errors.secureTransportRequired, database({ mode: 'disable' })),
    ).toContain('the server requires TLS');
  });

  it("names TLS as a cause of MariaDB's access denied when TLS is off", () => {
    const message = describeConnectionFailure(errors.accessDenied, database({ mode: 'disable' }));
    expect(message).toContain('to a connection without TLS (DATABASE_SSL_MODE=disable)');
    expect(message).toContain('require_secure_transport=ON');
    expect(message).toContain('else fix the user or password in DATABASE_URL');
  });

  it('names only the credentials when access is denied over TLS', () => {
    expect(describeConnectionFailure(errors.accessDenied, VERIFY_FULL)).toBe(
      "Cannot connect to the database at db.example.com:3307: the server denied access (Access denied for user 'kiada'@'10.0.0.9' (using password: YES)): fix the user or password in DATABASE_URL",
    );
  });

  it('leaves failures that waiting may cure to the retries (a server still starting)', () => {
    expect(describeConnectionFailure(errors.refused, VERIFY_FULL)).toBeUndefined();
    expect(describeConnectionFailure(new Error('anything else'), VERIFY_FULL)).toBeUndefined();
    expect(describeConnectionFailure(undefined, VERIFY_FULL)).toBeUndefined();
  });

  it('says nothing for the embedded SQLite database', () => {
    expect(
      describeConnectionFailure(errors.accessDenied, {
        type: 'better-sqlite3',
        sqlitePath: ':memory:',
        migrate: true,
        tls: { mode: 'disable' },
      }),
    ).toBeUndefined();
  });

  it('writes one line', () => {
    for (const error of Object.values(errors)) {
      expect(describeConnectionFailure(error, VERIFY_FULL) ?? '').not.toContain('\n');
    }
  });
});
