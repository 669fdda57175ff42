import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { runMigrateRole, startApp, type AppProcess } from '../support/app-process.js';
import { HttpUser } from '../support/http-user.js';
import { TEST_SESSION_SECRET } from '../support/nest-app.js';
import { startOwnMariadb, type OwnMariadb } from '../support/own-mariadb.js';
import {
  issueServerCertificate,
  makeCertificateAuthority,
  type CertificateFiles,
} from '../support/tls-certificates.js';

const run = promisify(execFile);

/**
 * TLS to the database (DATABASE_SSL_MODE, DATABASE_SSL_CA) against a MariaDB of this
 * suite's own, started with a CA made here by openssl and require_secure_transport=ON, so
 * no connection without TLS gets in. verify-full connects and the app works as without
 * TLS; a wrong CA, a certificate for another host name and `disable` are refused at
 * start-up with one line naming the cause, without retries.
 */
describe('TLS to the database (MariaDB with its own CA, require_secure_transport=ON)', () => {
  let dir: string;
  let ca: CertificateFiles;
  let otherCa: CertificateFiles;
  let forLocalhost: CertificateFiles;
  let forAnotherHost: CertificateFiles;
  /** The files the server reads: a copy of one of the two server certificates. */
  let served: CertificateFiles;
  let database: OwnMariadb;
  /** The URL by host name (`localhost`), which the server certificate names. */
  let url: string;
  let api: AppProcess | undefined;

  /** Makes the server present `certificate` from its next connection on (FLUSH SSL). */
  const serve = async (certificate: CertificateFiles) => {
    copyFileSync(certificate.cert, served.cert);
    copyFileSync(certificate.key, served.key);
    await run('mariadb', ['--protocol=socket', '-S', database.socket, '-uroot', '-e', 'FLUSH SSL']);
  };
  const tlsEnv = (mode: string, caFile?: string, databaseUrl = url) => ({
    DATABASE_URL: databaseUrl,
    DATABASE_SSL_MODE: mode,
    ...(caFile ? { DATABASE_SSL_CA: caFile } : {}),
  });
  /** The message of the one fatal line the role printed before exiting. */
  const fatalLine = (output: string) =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .filter((line) => line.level === 60)
      .map((line) => line.msg);

  beforeAll(async () => {
    // In /tmp itself and readable by all: mariadbd runs as the mysql user.
    dir = mkdtempSync('/tmp/kiada-e2e-tls-');
    chmodSync(dir, 0o755);
    ca = await makeCertificateAuthority(dir, 'database-ca');
    otherCa = await makeCertificateAuthority(dir, 'other-ca');
    forLocalhost = await issueServerCertificate(dir, 'localhost', ca, ['localhost']);
    forAnotherHost = await issueServerCertificate(dir, 'elsewhere', ca, ['db.elsewhere.test']);
    served = { cert: join(dir, 'served.crt'), key: join(dir, 'served.key') };
    copyFileSync(forLocalhost.cert, served.cert);
    copyFileSync(forLocalhost.key, served.key);
    database = await startOwnMariadb('tls', {
      serverArgs: [
        `--ssl-ca=${ca.cert}`,
        `--ssl-cert=${served.cert}`,
        `--ssl-key=${served.key}`,
        '--require-secure-transport=ON',
      ],
    });
    const byName = new URL(database.url);
    byName.hostname = 'localhost';
    url = byName.toString();
  }, 120_000);

  afterEach(async () => {
    await api?.stop();
    api = undefined;
  });

  afterAll(async () => {
    await database?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('verify-full connects: the migrations run and the api signs up, logs in and is ready', async () => {
    const migrated = await runMigrateRole(tlsEnv('verify-full', ca.cert));
    expect({ exitCode: migrated.exitCode, output: migrated.output }).toMatchObject({ exitCode: 0 });
    expect(migrated.output).toMatch(/applied \d+ migration\(s\)/);

    api = await startApp('api', {
      ...tlsEnv('verify-full', ca.cert),
      SESSION_SECRET: TEST_SESSION_SECRET,
      AUTH_THROTTLE_LIMIT: '0',
      DATABASE_MIGRATE: 'false',
    });
    const user = new HttpUser(api.url, 'tls-user');
    await user.signUp();
    await user.logIn();
    const me = await fetch(`${api.url}/auth/me`, { headers: { cookie: user.sessionCookie } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ username: 'tls-user' });
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
  });

  it('require encrypts without a CA, and the server lets it in', async () => {
    const migrated = await runMigrateRole(tlsEnv('require'));
    expect(migrated).toMatchObject({ exitCode: 0 });
    expect(fatalLine(migrated.output)).toEqual([]);
  });

  it('refuses a CA that did not sign the server certificate, naming the CA file', async () => {
    const migrated = await runMigrateRole(tlsEnv('verify-full', otherCa.cert));
    expect(migrated.exitCode).toBe(1);
    expect(fatalLine(migrated.output)).toEqual([
      `Cannot connect to the database at localhost:${new URL(url).port}: its TLS certificate is not signed by the CA in DATABASE_SSL_CA (${otherCa.cert}) (self-signed certificate in certificate chain): set DATABASE_SSL_CA to the file of the CA that issued the server's certificate`,
    ]);
  });

  it('stops the api at start-up on a wrong CA with the same line, without retrying', async () => {
    const failure = await startApp('api', {
      ...tlsEnv('verify-full', otherCa.cert),
      SESSION_SECRET: TEST_SESSION_SECRET,
      DATABASE_MIGRATE: 'false',
    }).then(
      () => 'started',
      (error: Error) => error.message,
    );
    expect(failure).toMatch(/exited with 1/);
    expect(failure).toContain(`not signed by the CA in DATABASE_SSL_CA (${otherCa.cert})`);
    // TypeORM's retry loop logs this before each further attempt.
    expect(failure).not.toContain('Retrying');
  });

  it('refuses a certificate for another host name in verify-full, and verify-ca lets it pass', async () => {
    await serve(forAnotherHost);
    try {
      const full = await runMigrateRole(tlsEnv('verify-full', ca.cert));
      expect(full.exitCode).toBe(1);
      expect(fatalLine(full.output)).toEqual([
        expect.stringContaining(
          "its TLS certificate does not name the host localhost (Host: localhost. is not in the cert's altnames: DNS:db.elsewhere.test): connect by a name the certificate lists (DATABASE_URL), or set DATABASE_SSL_MODE=verify-ca",
        ),
      ]);
      const caOnly = await runMigrateRole(tlsEnv('verify-ca', ca.cert));
      expect(caOnly.exitCode).toBe(0);
    } finally {
      await serve(forLocalhost);
    }
  });

  it('refuses a connection without TLS (disable), naming TLS as the cause', async () => {
    const migrated = await runMigrateRole(tlsEnv('disable'));
    expect(migrated.exitCode).toBe(1);
    expect(fatalLine(migrated.output)).toEqual([
      expect.stringContaining(
        'to a connection without TLS (DATABASE_SSL_MODE=disable): if the server requires TLS (MariaDB answers so with require_secure_transport=ON), set DATABASE_SSL_MODE=verify-full and DATABASE_SSL_CA',
      ),
    ]);
  });
});
