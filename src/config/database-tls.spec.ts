import { loadDatabaseTls } from './database-tls.js';
import { loadConfig } from './load-config.js';
import { configErrorOf } from './testing/config-error-of.js';

/** A self-signed test CA (P-256), only ever parsed. */
const CA_PEM = `-----BEGIN CERTIFICATE-----
MIIBiDCCAS2gAwIBAgIUUNdEs26mGdY8ulnwNIAMmw8QxkUwCgYIKoZIzj0EAwIw
GDEWMBQGA1UEAwwNa2lhZGEtdGVzdC1jYTAgFw0yNjEyMDcxODA1NTNaGA8yMTI2
MTExMzE4MDU1M1owGDEWMBQGA1UEAwwNa2lhZGEtdGVzdC1jYTBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABK74WYnp4jhx6AngYmbIGCq0KfhlDmHeploHcXYFfudn
IhvHdBUo8GTepOKM2aY0agNM8dexEdRwSZKtxfY188ejUzBRMB0GA1UdDgQWBBQV
NjGVjoan81rV9puEzQyp7T4IozAfBgNVHSMEGDAWgBQVNjGVjoan81rV9puEzQyp
7T4IozAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQC5Uq8qYQ0S
Mw22OfqKyROo6KiYsbUMnL9G5ZjJw0ldWgIhAMjpXmTiBThmBozBi7iJgDbdcVF0
Etb2DD+IUhvTJDLk
-----END CERTIFICATE-----
`;
const URL = 'mysql://kiada:secret@db.example.com:3306/kiada';
const files: Record<string, string> = {
  '/ca/ca.crt': CA_PEM,
  '/ca/bundle.pem': `${CA_PEM}${CA_PEM}`,
  '/ca/key.pem': '-----BEGIN PRIVATE KEY-----\nMIGHAgEA\n-----END PRIVATE KEY-----\n',
  '/ca/broken.crt': '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n',
};
const readFile = (path: string): string => {
  if (path in files) return files[path];
  throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), {
    code: 'ENOENT',
  });
};

describe('loadDatabaseTls', () => {
  it('is off by default, as the MySQL driver is', () => {
    expect(loadConfig({ DATABASE_URL: URL }).database.tls).toEqual({ mode: 'disable' });
    expect(loadConfig({}).database.tls).toEqual({ mode: 'disable' });
  });

  it('reads the CA file once, keeping every certificate of a bundle', () => {
    expect(loadDatabaseTls('verify-full', '/ca/ca.crt', URL, readFile)).toEqual({
      mode: 'verify-full',
      caPath: '/ca/ca.crt',
      ca: CA_PEM,
    });
    expect(loadDatabaseTls('verify-ca', '/ca/bundle.pem', URL, readFile).ca).toBe(
      `${CA_PEM}${CA_PEM}`,
    );
  });

  it("verifies against Node.js's own CAs when no CA file is given", () => {
    expect(loadDatabaseTls('verify-full', undefined, URL, readFile)).toEqual({
      mode: 'verify-full',
      caPath: undefined,
      ca: undefined,
    });
  });

  it('encrypts without a CA in require mode', () => {
    expect(loadDatabaseTls('require', undefined, URL, readFile).mode).toBe('require');
  });

  it('accepts verify-ca for a server named by its IP address', () => {
    expect(
      loadDatabaseTls('verify-ca', '/ca/ca.crt', 'mysql://u:p@10.0.0.5/db', readFile).mode,
    ).toBe('verify-ca');
  });

  describe('rejects, with one line naming the variable and the fix,', () => {
    it.each([
      [
        'a CA file that does not exist',
        () => loadDatabaseTls('verify-full', '/ca/missing.crt', URL, readFile),
        'DATABASE_SSL_CA',
        'cannot be read (ENOENT)',
      ],
      [
        'a file without a certificate (a key)',
        () => loadDatabaseTls('verify-full', '/ca/key.pem', URL, readFile),
        'DATABASE_SSL_CA',
        'holds no PEM certificate',
      ],
      [
        'a certificate that does not parse',
        () => loadDatabaseTls('verify-ca', '/ca/broken.crt', URL, readFile),
        'DATABASE_SSL_CA',
        'does not parse',
      ],
      [
        'a CA in require mode, which would not use it',
        () => loadDatabaseTls('require', '/ca/ca.crt', URL, readFile),
        'DATABASE_SSL_CA',
        'set DATABASE_SSL_MODE=verify-full',
      ],
      [
        'a CA with TLS off',
        () => loadDatabaseTls('disable', '/ca/ca.crt', URL, readFile),
        'DATABASE_SSL_CA',
        'DATABASE_SSL_MODE=disable does not verify',
      ],
      [
        'TLS without a MySQL database',
        () => loadDatabaseTls('require', undefined, undefined, readFile),
        'DATABASE_SSL_MODE',
        'set DATABASE_URL',
      ],
      [
        'verify-full to an IP address, whose name the driver cannot check',
        () => loadDatabaseTls('verify-full', '/ca/ca.crt', 'mysql://u:p@10.0.0.5/db', readFile),
        'DATABASE_SSL_MODE',
        'names the IP address 10.0.0.5',
      ],
      [
        'verify-full to an IPv6 address',
        () => loadDatabaseTls('verify-full', undefined, 'mysql://u:p@[::1]:3306/db', readFile),
        'DATABASE_SSL_MODE',
        'names the IP address ::1',
      ],
      [
        'an unknown mode (the names of MySQL and PostgreSQL clients only)',
        () => loadConfig({ DATABASE_URL: URL, DATABASE_SSL_MODE: 'VERIFY_IDENTITY' }),
        'DATABASE_SSL_MODE',
        'must be one of disable, require, verify-ca, verify-full',
      ],
    ])('%s', (_case, load, variable, words) => {
      const error = configErrorOf(load);
      expect(error.variable).toBe(variable);
      expect(error.message).toContain(words);
      expect(error.message).not.toContain('\n');
    });
  });
});
