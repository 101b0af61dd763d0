import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KeyPair {
  readonly key: Buffer;
  readonly cert: Buffer;
}

export interface TestCertificates {
  /** Self-signed, for 127.0.0.1: valid dates, untrusted issuer. */
  readonly selfSigned: KeyPair;
  /** Valid only on 1-2 January 2020. */
  readonly expired: KeyPair;
  /** For example.com only, served on 127.0.0.1. */
  readonly otherHost: KeyPair;
}

const CA_CONFIG = `[ca]
default_ca = d
[d]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = p
[p]
commonName = supplied
`;

/** Makes the test certificates with the machine's openssl, in a temporary directory removed afterwards. */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'perfprobe-certs-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const selfSigned = (name: string, subject: string, san: string): KeyPair => {
    run([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      '-subj',
      subject,
      '-addext',
      `subjectAltName=${san}`,
    ]);
    return { key: readFileSync(join(dir, `${name}.key`)), cert: readFileSync(join(dir, `${name}.pem`)) };
  };
  try {
    const local = selfSigned('local', '/CN=127.0.0.1', 'IP:127.0.0.1');
    const other = selfSigned('other', '/CN=example.com', 'DNS:example.com');
    // openssl req cannot back-date; openssl ca can, signing the same key's request with explicit dates.
    writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG);
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '01\n');
    run(['req', '-new', '-key', 'local.key', '-out', 'expired.csr', '-subj', '/CN=127.0.0.1']);
    run([
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      '-selfsign',
      '-keyfile',
      'local.key',
      '-in',
      'expired.csr',
      '-out',
      'expired.pem',
      '-startdate',
      '20200101000000Z',
      '-enddate',
      '20200102000000Z',
    ]);
    return {
      selfSigned: local,
      expired: { key: local.key, cert: readFileSync(join(dir, 'expired.pem')) },
      otherHost: other,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
