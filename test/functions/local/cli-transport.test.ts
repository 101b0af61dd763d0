import { once } from 'node:events';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createSecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../../functions/core/run-result.ts';
import { perfprobe, repoRoot } from '../../helpers/cli-process.ts';
import { type ForwardProxy, forwardProxy } from '../../helpers/forward-proxy.ts';
import { makeMtlsCertificates } from '../../helpers/tls-certificates.ts';
import { mtlsServer, type TlsTarget } from '../../helpers/tls-servers.ts';

// The issue's own checks, through the real CLI: curl's flags on `perfprobe probe`.
const work = join(repoRoot, '.perfprobe', `cli-transport-test-${process.pid}`);
mkdirSync(work, { recursive: true });
const certs = makeMtlsCertificates();
let mtls: TlsTarget;
let proxy: ForwardProxy;
beforeAll(async () => {
  mtls = await mtlsServer(certs);
  proxy = await forwardProxy();
});
afterAll(async () => {
  await mtls?.close();
  await proxy?.close();
  rmSync(work, { recursive: true, force: true });
  certs.remove();
});

const tlsFlags = ['--cacert', certs.path('ca.pem')];
const clientFlags = ['--cert', certs.path('client.pem'), '--key', certs.path('client.key')];
const json = (name: string) => join(work, name);
const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as RunResult;
/** No proxy from the machine's environment leaks into a test that does not ask for one. */
const noProxyEnv = { HTTPS_PROXY: '', HTTP_PROXY: '', https_proxy: '', http_proxy: '' };

describe('perfprobe probe with a client certificate', () => {
  it('--cacert --cert --key: every request answered, TLS facts and the HTTP version in --json', async () => {
    const out = json('mtls.json');

    const { code } = await perfprobe(
      ['probe', `${mtls.url}/`, ...tlsFlags, ...clientFlags, '-n', '5', '-c', '1', '--json', out],
      noProxyEnv,
    );

    expect(code).toBe(0);
    const result = read(out);
    expect(result.requests).toEqual({ total: 5, ok: 5, failed: 0 });
    expect(result.tls?.protocol).toBe('TLSv1.3');
    expect(result.tls?.certificate.daysLeft).toBeGreaterThanOrEqual(363);
    expect(result.httpVersion).toBe('1.1');
  });

  it('without --cert/--key: every failure in class tls, exit 1', async () => {
    const out = json('no-cert.json');

    const { code } = await perfprobe(
      ['probe', `${mtls.url}/`, ...tlsFlags, '-n', '5', '-c', '1', '--json', out],
      noProxyEnv,
    );

    expect(code).toBe(1);
    const result = read(out);
    expect(result.errors).toEqual({ tls: 5 });
    expect(result.sampleErrors.join()).toMatch(/certificate required/);
  });

  it('a key of another certificate: exit 2 naming --key, nothing sent', async () => {
    const before = mtls.clients.length;

    const { code, stderr } = await perfprobe(
      [
        'probe',
        `${mtls.url}/`,
        ...tlsFlags,
        '--cert',
        certs.path('client.pem'),
        '--key',
        certs.path('server.key'),
        '-n',
        '1',
      ],
      noProxyEnv,
    );

    expect(code).toBe(2);
    expect(stderr).toMatch(/--key: the key does not match the certificate/);
    expect(mtls.clients.length).toBe(before);
  });
});

describe('perfprobe probe --sla certDaysLeft', () => {
  it('breaches at 30 and passes at 5 against a certificate 10 days from expiry', async () => {
    const expiring = await mtlsServer(certs, { key: certs.expiring.key, cert: certs.expiring.cert });
    try {
      const args = ['probe', `${expiring.url}/`, ...tlsFlags, ...clientFlags, '-n', '2', '-c', '1'];

      const strict = await perfprobe(
        [...args, '--sla', 'certDaysLeft=30', '--json', json('cert30.json')],
        noProxyEnv,
      );
      const lenient = await perfprobe(
        [...args, '--sla', 'certDaysLeft=5', '--json', json('cert5.json')],
        noProxyEnv,
      );

      expect(strict.code).toBe(1);
      expect(strict.stdout).toMatch(/certDaysLeft \(critical\)\s+≥ 30 days\s+9 days\s+FAIL/);
      expect(lenient.code).toBe(0);
      expect([9, 10]).toContain(read(json('cert5.json')).tls?.certificate.daysLeft);
    } finally {
      await expiring.close();
    }
  });
});

describe('perfprobe probe through a forward proxy', () => {
  const args = (name: string) => [
    'probe',
    `${mtls.url}/`,
    ...tlsFlags,
    ...clientFlags,
    '-n',
    '3',
    '-c',
    '1',
    '--json',
    json(name),
  ];

  it('--proxy: the proxy opens the tunnel, the target answers 200', async () => {
    const before = proxy.tunnels().length;

    const { code } = await perfprobe([...args('proxy.json'), '--proxy', proxy.url], noProxyEnv);

    expect(code).toBe(0);
    expect(read(json('proxy.json')).statusCodes).toEqual({ '200': 3 });
    expect(proxy.tunnels().slice(before)).toEqual([`localhost:${mtls.port}`]);
  });

  it('HTTPS_PROXY: the same, from the environment; NO_PROXY=localhost bypasses it; --proxy "" turns it off', async () => {
    const before = proxy.tunnels().length;
    const viaEnv = await perfprobe(args('env-proxy.json'), { ...noProxyEnv, HTTPS_PROXY: proxy.url });
    const tunnelled = proxy.tunnels().length - before;

    const bypassed = await perfprobe(args('no-proxy.json'), {
      ...noProxyEnv,
      HTTPS_PROXY: proxy.url,
      NO_PROXY: 'localhost',
    });
    const off = await perfprobe([...args('proxy-off.json'), '--proxy', ''], {
      ...noProxyEnv,
      HTTPS_PROXY: proxy.url,
    });

    expect(viaEnv.code).toBe(0);
    expect(tunnelled).toBe(1);
    expect(bypassed.code).toBe(0);
    expect(off.code).toBe(0);
    expect(proxy.tunnels().length - before).toBe(1);
  });
});

describe('perfprobe probe --http2', () => {
  it('measures over h2: httpVersion 2, a 2-connection burst with 0 errors', async () => {
    const server = createSecureServer({ key: certs.server.key, cert: certs.server.cert }, (_, res) =>
      res.end('ok'),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const url = `https://localhost:${(server.address() as AddressInfo).port}/`;
      const out = json('h2.json');

      const { code } = await perfprobe(
        ['probe', url, ...tlsFlags, '--http2', '-c', '2', '-n', '40', '--json', out],
        noProxyEnv,
      );

      expect(code).toBe(0);
      const result = read(out);
      expect(result.httpVersion).toBe('2');
      expect(result.requests).toEqual({ total: 40, ok: 40, failed: 0 });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
