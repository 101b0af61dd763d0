import { once } from 'node:events';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkTlsMaterial,
  resolveConnection,
  TransportSettingsError,
} from '../../../functions/adapters/transport-settings.ts';
import { renderHtmlReport } from '../../../functions/local/html-report/render-html-report.ts';
import { formatRun } from '../../../functions/local/report.ts';
import { checkBeforeRun, runProbeLocally } from '../../../functions/local/run-probe.ts';
import { createStyle } from '../../../functions/local/style.ts';
import { probeFor } from '../../helpers/probes.ts';
import { httpServer } from '../../helpers/servers.ts';
import {
  type MtlsCertificates,
  makeMtlsCertificates,
  makeTestCertificates,
} from '../../helpers/tls-certificates.ts';
import { mtlsServer, opensslServer, type TlsTarget } from '../../helpers/tls-servers.ts';

// Made at collection: the tables below name its files.
const certs: MtlsCertificates = makeMtlsCertificates();
let server: TlsTarget;
beforeAll(async () => {
  server = await mtlsServer(certs);
});
afterAll(async () => {
  await server?.close();
  certs?.remove();
});

const plain = createStyle({ isTTY: false });
const file = (name: string) => `file:${certs.path(name)}`;
const latency = { kind: 'latency', requests: 3, interval: '10ms' };
const mtls = (tls: Record<string, string>) => ({
  transport: { tls: { ca: file('ca.pem'), ...tls } },
  load: latency,
});

describe('a client certificate from transport.tls', () => {
  it('is presented to a server that requires one: every request answered', async () => {
    const probe = probeFor(server.url, mtls({ cert: file('client.pem'), key: file('client.key') }));

    const result = await runProbeLocally(probe);

    expect(result.requests).toEqual({ total: 3, ok: 3, failed: 0 });
    expect(server.clients.slice(-3)).toEqual(['probe client', 'probe client', 'probe client']);
  });

  it('opens an encrypted key with the passphrase from the environment', async () => {
    const probe = probeFor(
      server.url,
      mtls({ cert: file('client.pem'), key: file('client-encrypted.key'), passphrase: 'env:CLIENT_PASS' }),
    );

    const result = await runProbeLocally(probe, { env: { CLIENT_PASS: certs.passphrase } });

    expect(result.requests.ok).toBe(3);
  });

  it('reads the certificate and key from environment variables', async () => {
    const probe = probeFor(server.url, mtls({ cert: 'env:CLIENT_CERT', key: 'env:CLIENT_KEY' }));

    const result = await runProbeLocally(probe, {
      env: { CLIENT_CERT: certs.client.cert.toString(), CLIENT_KEY: certs.client.key.toString() },
    });

    expect(result.requests.ok).toBe(3);
    // The key is never in the result (stored, printed and reported as it is).
    expect(JSON.stringify(result)).not.toContain('PRIVATE KEY');
  });

  it('trusts only the named CA: without it the private CA is unknown (class tls)', async () => {
    const probe = probeFor(server.url, {
      transport: { tls: { cert: file('client.pem'), key: file('client.key') } },
      load: latency,
    });

    const result = await runProbeLocally(probe);

    expect(result.errors).toEqual({ tls: 3 });
    expect(result.sampleErrors.join()).toMatch(/SELF_SIGNED_CERT_IN_CHAIN/);
  });
});

describe('a server that rejects the client (OpenSSL, with its alert)', () => {
  it.each([
    ['no client certificate', {}, /certificate required: the server requires a client certificate/],
    [
      'a client certificate of another CA',
      { cert: file('stranger.pem'), key: file('stranger.key') },
      /certificate rejected: .*unknown CA/,
    ],
    [
      'an expired client certificate',
      { cert: file('expired-client.pem'), key: file('expired-client.key') },
      /certificate rejected: the client certificate has expired/,
    ],
  ])('%s: every failure is tls, with the reason', async (_, tls, reason) => {
    const target = await opensslServer(certs);
    try {
      const result = await runProbeLocally(probeFor(target.url, mtls(tls as Record<string, string>)));

      expect(result.errors).toEqual({ tls: 3 });
      expect(result.sampleErrors.join()).toMatch(reason);
    } finally {
      await target.close();
    }
  });
});

describe('TLS material is checked before anything is sent', () => {
  const resolve = (tls: Record<string, string>, env: Record<string, string> = {}) =>
    resolveConnection({ tls: { ca: file('ca.pem'), ...tls } }, { env });

  it('accepts a key that matches its certificate', async () => {
    await expect(resolve({ cert: file('client.pem'), key: file('client.key') })).resolves.toBeDefined();
  });

  it.each([
    [
      'a key of another certificate',
      { cert: file('client.pem'), key: file('server.key') },
      /^transport\.tls\.key: the key does not match the certificate transport\.tls\.cert/,
    ],
    [
      'a missing file',
      { cert: file('nope.pem'), key: file('client.key') },
      /^transport\.tls\.cert \(file:.*nope\.pem\): cannot read the file \(ENOENT\)/,
    ],
    [
      'an unset variable',
      { cert: 'env:NO_SUCH_CERT', key: file('client.key') },
      /^transport\.tls\.cert \(env:NO_SUCH_CERT\): environment variable NO_SUCH_CERT is not set/,
    ],
    [
      'a key that is not PEM',
      { cert: file('client.pem'), key: file('index.txt') },
      /^transport\.tls\.key: expected a PEM private key/,
    ],
    [
      'an encrypted key without its passphrase',
      { cert: file('client.pem'), key: file('client-encrypted.key') },
      /^transport\.tls\.passphrase: the key is encrypted: give its passphrase/,
    ],
    [
      'a wrong passphrase',
      { cert: file('client.pem'), key: file('client-encrypted.key'), passphrase: 'env:PASS' },
      /^transport\.tls\.passphrase: the passphrase does not open the key/,
    ],
    [
      'a CA that is not a certificate',
      { ca: file('client.key') },
      /^transport\.tls\.ca: expected PEM certificates/,
    ],
  ])('refuses %s, naming the field', async (_, tls, message) => {
    await expect(resolve(tls as Record<string, string>, { PASS: 'wrong' })).rejects.toThrow(message);
  });

  it('refuses an expired client certificate before a run, and lets the run itself send it', async () => {
    const tls = { cert: file('expired-client.pem'), key: file('expired-client.key') };
    const probe = probeFor(server.url, mtls(tls));

    await expect(checkBeforeRun([probe], {})).rejects.toThrow(
      /^transport\.tls\.cert: the client certificate expired on 2020-01-02/,
    );
    await expect(resolveConnection(probe.transport, {})).resolves.toBeDefined();
  });

  it('is a TransportSettingsError (exit 2 at the command line)', () => {
    expect(() => checkTlsMaterial({ cert: certs.client.cert.toString(), key: 'garbage' })).toThrow(
      TransportSettingsError,
    );
  });
});

describe('TLS facts in the result', () => {
  it('names the protocol, cipher, ALPN, the leaf certificate and its days left, and the HTTP version', async () => {
    const expiring = await mtlsServer(certs, { key: certs.expiring.key, cert: certs.expiring.cert });
    try {
      const probe = probeFor(expiring.url, mtls({ cert: file('client.pem'), key: file('client.key') }));

      const result = await runProbeLocally(probe);

      expect(result.httpVersion).toBe('1.1');
      expect(result.tls).toMatchObject({
        protocol: 'TLSv1.3',
        cipher: expect.stringMatching(/^TLS_/),
        alpn: 'http/1.1',
        certificate: { subject: 'CN=localhost', issuer: 'CN=perfprobe test CA', daysLeft: 9 },
      });
      expect(Date.parse(result.tls!.certificate.validTo) - Date.now()).toBeGreaterThan(9 * 86_400_000);
      // Held to the default 14 days: a warning, marked default; the run itself passes.
      expect(result.sla.checks.find((c) => c.name === 'certDaysLeft')).toMatchObject({
        severity: 'warn',
        passed: false,
        isDefault: true,
        observed: 9,
      });
      expect(result.sla.verdict).toBe('warn');
      const line = formatRun(result, plain);
      expect(line).toMatch(
        /connection HTTP\/1\.1, TLSv1\.3 TLS_\w+ \(ALPN http\/1\.1\); certificate CN=localhost \(issuer CN=perfprobe test CA\) valid to \d{4}-\d\d-\d\d, 9 days left/,
      );
      expect(line).toMatch(/certDaysLeft \(warn\) \(default\)\s+≥ 14 days\s+9 days\s+warn/);
      const html = renderHtmlReport({
        suite: 'test',
        environment: 'test',
        generatedAt: result.startedAt,
        probes: [{ probeId: 'p', runs: [result], latest: result }],
      });
      expect(html).toMatch(
        /<h3>Connection<\/h3>.*TLSv1\.3.*CN=localhost.*CN=perfprobe test CA.*9 days left/s,
      );
    } finally {
      await expiring.close();
    }
  });

  it('has an HTTP version and no TLS for a plain-HTTP target', async () => {
    const target = await httpServer((_, res) => res.end('ok'));
    try {
      const result = await runProbeLocally(probeFor(target.url, { load: latency }));

      expect(result.httpVersion).toBe('1.1');
      expect(result.tls).toBeUndefined();
      expect(result.sla.checks.map((c) => c.name)).not.toContain('certDaysLeft');
    } finally {
      await target.close();
    }
  });
});

describe('transport.tls.serverName', () => {
  // A certificate that names example.com only, served on 127.0.0.1: only the server name makes it verify.
  const other = makeTestCertificates().otherHost;
  let target: { url: string; names: (string | false)[]; close(): Promise<void> };
  beforeAll(async () => {
    const names: (string | false)[] = [];
    const server = createHttpsServer(other, (req, res) => {
      names.push((req.socket as TLSSocket & { servername: string | false }).servername);
      res.end('ok');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    target = {
      url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
      names,
      close: () =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  });
  afterAll(() => target?.close());

  const run = (serverName?: string) =>
    runProbeLocally(
      probeFor(target.url, {
        transport: { tls: { ca: 'env:OTHER_CA', ...(serverName === undefined ? {} : { serverName }) } },
        load: latency,
      }),
      { env: { OTHER_CA: other.cert.toString() } },
    );

  it('is sent as SNI and verified against the certificate: an IP URL reaches a certificate for a name', async () => {
    target.names.length = 0;

    const result = await run('example.com');

    expect(result.requests).toEqual({ total: 3, ok: 3, failed: 0 });
    expect(target.names).toEqual(['example.com', 'example.com', 'example.com']);
    expect(result.tls?.certificate.subject).toBe('CN=example.com');
  });

  it('is what the certificate is checked against: a name it does not hold fails as tls', async () => {
    const result = await run('wrong.example');

    expect(result.requests.ok).toBe(0);
    expect(result.errors).toEqual({ tls: 3 });
    expect(result.sampleErrors.join()).toContain('the certificate does not name this host');
  });

  it('is needed there: without it the IP is checked, and fails as tls', async () => {
    const result = await run();

    expect(result.errors).toEqual({ tls: 3 });
  });
});
