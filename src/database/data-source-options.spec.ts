import { buildDataSourceOptions, mysqlSslOptions } from './data-source-options.js';

const CA = '-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n';

describe('mysqlSslOptions', () => {
  it('disable: no TLS at all', () => {
    expect(mysqlSslOptions({ mode: 'disable' })).toBeUndefined();
  });

  it('require: encrypted, the certificate not verified', () => {
    expect(mysqlSslOptions({ mode: 'require' })).toEqual({ rejectUnauthorized: false });
  });

  it("verify-ca: the chain up to the CA, not the host name (mysql2's verifyIdentity off)", () => {
    expect(mysqlSslOptions({ mode: 'verify-ca', ca: CA })).toEqual({
      ca: CA,
      rejectUnauthorized: true,
      verifyIdentity: false,
    });
  });

  it('verify-full: the chain and the host name', () => {
    expect(mysqlSslOptions({ mode: 'verify-full', ca: CA })).toEqual({
      ca: CA,
      rejectUnauthorized: true,
      verifyIdentity: true,
    });
  });

  it("verify-full without a CA file: Node.js's own CAs (ca left unset)", () => {
    expect(mysqlSslOptions({ mode: 'verify-full' })).toEqual({
      ca: undefined,
      rejectUnauthorized: true,
      verifyIdentity: true,
    });
  });
});

describe('buildDataSourceOptions', () => {
  it('hands the TLS options to the MySQL driver', () => {
    const options = buildDataSourceOptions({
      type: 'mysql',
      url: 'mysql://u:p@db.example.com/kiada',
      sqlitePath: '',
      migrate: false,
      tls: { mode: 'verify-full', ca: CA },
    });
    expect(options).toMatchObject({
      type: 'mysql',
      ssl: { ca: CA, rejectUnauthorized: true, verifyIdentity: true },
    });
  });
});
