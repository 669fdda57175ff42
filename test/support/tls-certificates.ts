import { execFile } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CertificateFiles {
  cert: string;
  key: string;
}

/** A self-signed CA made with openssl: `<dir>/<name>.crt` and `.key` (1 day). */
export async function makeCertificateAuthority(
  dir: string,
  name: string,
): Promise<CertificateFiles> {
  const files = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    files.key,
    '-out',
    files.cert,
  ]);
  readableByAll(files);
  return files;
}

/**
 * A server certificate for `dnsNames` (subjectAltName), issued by `ca` with openssl. Its
 * key is readable by every user: the database server runs as its own user.
 */
export async function issueServerCertificate(
  dir: string,
  name: string,
  ca: CertificateFiles,
  dnsNames: string[],
): Promise<CertificateFiles> {
  const files = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  const request = join(dir, `${name}.csr`);
  const extensions = join(dir, `${name}.ext`);
  writeFileSync(
    extensions,
    `subjectAltName=${dnsNames.map((dns) => `DNS:${dns}`).join(',')}\n` +
      'extendedKeyUsage=serverAuth\n',
  );
  await run('openssl', [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=${dnsNames[0]}`,
    '-keyout',
    files.key,
    '-out',
    request,
  ]);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    request,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    extensions,
    '-out',
    files.cert,
  ]);
  readableByAll(files);
  return files;
}

function readableByAll(files: CertificateFiles): void {
  chmodSync(files.cert, 0o644);
  chmodSync(files.key, 0o644);
}
