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

/** A private CA's certificates for mutual TLS, as files in `dir` (for `file:` references and curl-style flags). */
export interface MtlsCertificates {
  readonly dir: string;
  /** The private CA (`ca.pem`): it signed every pair below but `stranger`. */
  readonly ca: Buffer;
  /** For localhost and 127.0.0.1, a year (`server.pem`, `server.key`). */
  readonly server: KeyPair;
  /** For localhost and 127.0.0.1, expiring 10 days from now (`expiring.pem`, `expiring.key`). */
  readonly expiring: KeyPair;
  /** A client certificate (`client.pem`, `client.key`). */
  readonly client: KeyPair;
  /** The client's key encrypted with `passphrase` (`client-encrypted.key`). */
  readonly encryptedClientKey: Buffer;
  readonly passphrase: string;
  /** A client certificate of the CA that expired in 2020 (`expired-client.pem`, `expired-client.key`). */
  readonly expiredClient: KeyPair;
  /** A client certificate from another CA (`stranger.pem`, `stranger.key`). */
  readonly stranger: KeyPair;
  /** The file `name` in `dir`. */
  path(name: string): string;
  remove(): void;
}

const LEAF = (usage: 'serverAuth' | 'clientAuth') =>
  `basicConstraints=CA:FALSE\nextendedKeyUsage=${usage}\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n`;

/**
 * Makes a private CA and its server and client certificates with the machine's openssl (P-256 keys: fast to
 * make), in a temporary directory the caller removes.
 */
export function makeMtlsCertificates(): MtlsCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'perfprobe-mtls-'));
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const read = (name: string) => readFileSync(join(dir, name));
  const newKey = (name: string, subject: string) =>
    run([
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      subject,
    ]);
  const selfSignedCa = (name: string, subject: string) =>
    run([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-days',
      '30',
      '-subj',
      subject,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
  const sign = (name: string, ca: string, usage: 'serverAuth' | 'clientAuth', days: number): KeyPair => {
    writeFileSync(join(dir, `${name}.ext`), LEAF(usage));
    run([
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      String(days),
      '-extfile',
      `${name}.ext`,
    ]);
    return { key: read(`${name}.key`), cert: read(`${name}.pem`) };
  };
  try {
    selfSignedCa('ca', '/CN=perfprobe test CA');
    selfSignedCa('other-ca', '/CN=another CA');
    newKey('server', '/CN=localhost');
    newKey('expiring', '/CN=localhost');
    newKey('client', '/CN=probe client');
    newKey('expired-client', '/CN=expired client');
    newKey('stranger', '/CN=stranger');
    const server = sign('server', 'ca', 'serverAuth', 365);
    const expiring = sign('expiring', 'ca', 'serverAuth', 10);
    const client = sign('client', 'ca', 'clientAuth', 365);
    const stranger = sign('stranger', 'other-ca', 'clientAuth', 365);
    const passphrase = 'correct horse battery staple';
    run([
      'pkey',
      '-in',
      'client.key',
      '-aes256',
      '-passout',
      `pass:${passphrase}`,
      '-out',
      'client-encrypted.key',
    ]);
    // openssl x509 cannot back-date; openssl ca can, signing the request with explicit dates.
    writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG);
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '01\n');
    writeFileSync(join(dir, 'expired-client.ext'), LEAF('clientAuth'));
    run([
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      '-cert',
      'ca.pem',
      '-keyfile',
      'ca.key',
      '-in',
      'expired-client.csr',
      '-out',
      'expired-client.pem',
      '-startdate',
      '20200101000000Z',
      '-enddate',
      '20200102000000Z',
      '-extfile',
      'expired-client.ext',
      '-notext',
    ]);
    return {
      dir,
      ca: read('ca.pem'),
      server,
      expiring,
      client,
      encryptedClientKey: read('client-encrypted.key'),
      passphrase,
      expiredClient: { key: read('expired-client.key'), cert: read('expired-client.pem') },
      stranger,
      path: (name) => join(dir, name),
      remove: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
