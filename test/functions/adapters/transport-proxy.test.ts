import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProbeLocally } from '../../../functions/local/run-probe.ts';
import { type ForwardProxy, forwardProxy } from '../../helpers/forward-proxy.ts';
import { probeFor } from '../../helpers/probes.ts';
import { httpServer, type Running } from '../../helpers/servers.ts';
import { makeMtlsCertificates } from '../../helpers/tls-certificates.ts';
import { mtlsServer, type TlsTarget } from '../../helpers/tls-servers.ts';

const certs = makeMtlsCertificates();
let proxy: ForwardProxy;
let https: TlsTarget;
let http: Running;
beforeAll(async () => {
  proxy = await forwardProxy();
  https = await mtlsServer(certs, { requestCert: false, rejectUnauthorized: false });
  http = await httpServer((_, res) => res.end('ok'));
});
afterAll(async () => {
  await proxy?.close();
  await https?.close();
  await http?.close();
  certs.remove();
});

const latency = { kind: 'latency', requests: 3, interval: '10ms' };
const ca = `file:${certs.path('ca.pem')}`;
/** Tunnels the proxy opened during `run`. */
async function tunnelsDuring(run: () => Promise<unknown>): Promise<string[]> {
  const before = proxy.tunnels().length;
  await run();
  return proxy.tunnels().slice(before);
}

describe('a forward proxy', () => {
  it('carries every connection named by transport.proxy as a CONNECT tunnel, with the phases kept', async () => {
    const probe = probeFor(https.url, { transport: { proxy: proxy.url, tls: { ca } }, load: latency });
    let result: Awaited<ReturnType<typeof runProbeLocally>> | undefined;

    const tunnels = await tunnelsDuring(async () => {
      result = await runProbeLocally(probe, { env: {} });
    });

    expect(result!.requests).toEqual({ total: 3, ok: 3, failed: 0 });
    // A latency check opens a fresh connection per request: one tunnel each.
    expect(tunnels).toEqual([
      `localhost:${https.port}`,
      `localhost:${https.port}`,
      `localhost:${https.port}`,
    ]);
    expect(result!.phasesMs?.tls?.count).toBe(3);
    expect(result!.phasesMs?.connect?.count).toBe(3);
    expect(result!.tls?.certificate.subject).toBe('CN=localhost');
  });

  it('is taken from HTTPS_PROXY for an https target', async () => {
    const probe = probeFor(https.url, { transport: { tls: { ca } }, load: latency });

    const tunnels = await tunnelsDuring(async () => {
      const result = await runProbeLocally(probe, { env: { HTTPS_PROXY: proxy.url } });
      expect(result.requests.ok).toBe(3);
    });

    expect(tunnels).toHaveLength(3);
  });

  it('is taken from HTTP_PROXY for an http target, tunnelled the same way', async () => {
    const probe = probeFor(http.url, { load: latency });

    const tunnels = await tunnelsDuring(async () => {
      const result = await runProbeLocally(probe, { env: { http_proxy: proxy.url } });
      expect(result.requests.ok).toBe(3);
    });

    expect(tunnels).toEqual([`127.0.0.1:${http.port}`, `127.0.0.1:${http.port}`, `127.0.0.1:${http.port}`]);
  });

  it('is bypassed for a host NO_PROXY names', async () => {
    const probe = probeFor(https.url, { transport: { tls: { ca } }, load: latency });

    const tunnels = await tunnelsDuring(async () => {
      const result = await runProbeLocally(probe, { env: { HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost' } });
      expect(result.requests.ok).toBe(3);
    });

    expect(tunnels).toEqual([]);
  });

  it("is turned off by transport.proxy '' whatever the environment says", async () => {
    const probe = probeFor(https.url, { transport: { proxy: '', tls: { ca } }, load: latency });

    const tunnels = await tunnelsDuring(async () => {
      const result = await runProbeLocally(probe, { env: { HTTPS_PROXY: proxy.url } });
      expect(result.requests.ok).toBe(3);
    });

    expect(tunnels).toEqual([]);
  });

  it('keeps a burst on its kept-alive tunnels: one per connection', async () => {
    const probe = probeFor(https.url, {
      transport: { proxy: proxy.url, tls: { ca } },
      load: { kind: 'burst', connections: 2, requests: 20 },
    });

    const tunnels = await tunnelsDuring(async () => {
      const result = await runProbeLocally(probe, { env: {} });
      expect(result.requests).toEqual({ total: 20, ok: 20, failed: 0 });
    });

    expect(tunnels).toHaveLength(2);
  });

  it('that refuses the tunnel fails every request as connection_refused, saying the proxy refused it', async () => {
    const strict = await forwardProxy([443]);
    try {
      const probe = probeFor(https.url, { transport: { proxy: strict.url, tls: { ca } }, load: latency });

      const result = await runProbeLocally(probe, { env: {} });

      expect(result.errors).toEqual({ connection_refused: 3 });
      expect(result.sampleErrors.join()).toMatch(/the proxy refused the tunnel \(HTTP 403\)/);
    } finally {
      await strict.close();
    }
  });
});
