import { once } from 'node:events';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../../functions/local/html-report/render-html-report.ts';
import { formatRun } from '../../../functions/local/report.ts';
import { runProbeLocally } from '../../../functions/local/run-probe.ts';
import { createStyle } from '../../../functions/local/style.ts';
import { probeFor } from '../../helpers/probes.ts';
import { makeMtlsCertificates } from '../../helpers/tls-certificates.ts';
import { tlsServerWith } from '../../helpers/tls-servers.ts';

const certs = makeMtlsCertificates();
let server: Http2SecureServer;
let url: string;
/** Sessions (connections) the server accepted, the streams each carried, and each request's HTTP version. */
let sessions = 0;
let streams: number[] = [];
let versions: string[] = [];
beforeAll(async () => {
  server = createSecureServer(
    { key: certs.server.key, cert: certs.server.cert, allowHTTP1: true },
    (req, res) => {
      versions.push(req.httpVersion);
      res.end('ok');
    },
  );
  server.on('session', (session) => {
    sessions++;
    const index = streams.push(0) - 1;
    session.on('stream', () => {
      streams[index]! += 1;
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `https://localhost:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  certs.remove();
});

const ca = `file:${certs.path('ca.pem')}`;
const ENGINES = {
  latency: { load: { kind: 'latency', requests: 3, interval: '10ms' }, sessions: 3 },
  burst: { load: { kind: 'burst', connections: 2, requests: 40 }, sessions: 2 },
  rate: { load: { kind: 'rate', rate: 40, duration: '500ms', connections: 2 }, sessions: 2 },
} as const;

describe('transport.http2', () => {
  it.each(Object.keys(ENGINES) as (keyof typeof ENGINES)[])(
    'negotiates h2 by ALPN and measures over it under the %s engine',
    async (engine) => {
      sessions = 0;
      versions = [];
      const { load, sessions: expected } = ENGINES[engine];

      // The pool capped at the load's 2: a cold process's first h2 handshakes are slow enough for the rate
      // engine to grow its pool (run alone, this test saw 14 to 19 sessions); growth is not what this checks.
      const result = await runProbeLocally(
        probeFor(url, { transport: { tls: { ca }, http2: true }, load }, { maxConnections: 2 }),
      );

      expect(result.requests.failed).toBe(0);
      expect(result.httpVersion).toBe('2');
      expect(result.tls?.alpn).toBe('h2');
      expect(new Set(versions)).toEqual(new Set(['2.0']));
      // A latency check still opens a fresh connection per request; loads keep one per connection.
      expect(sessions).toBe(expected);
      expect(result.phasesMs?.ttfb?.count).toBe(result.requests.total);
    },
  );

  it('runs a 2-connection burst on two h2 connections, and says how many streams each carried at most', async () => {
    sessions = 0;
    streams = [];

    const result = await runProbeLocally(
      probeFor(url, { transport: { tls: { ca }, http2: true }, load: ENGINES.burst.load }),
    );

    expect(result.requests).toEqual({ total: 40, ok: 40, failed: 0 });
    expect(sessions).toBe(2);
    expect(streams.reduce((a, b) => a + b, 0)).toBe(40);
    expect(result.maxStreamsPerConnection).toBe(Math.max(...streams));
    const most = result.maxStreamsPerConnection;
    expect(formatRun(result, createStyle({ isTTY: false }))).toContain(
      `connection HTTP/2 (at most ${most} streams a connection), TLSv1.3`,
    );
    const html = renderHtmlReport({
      suite: 'test',
      environment: 'test',
      generatedAt: result.startedAt,
      probes: [{ probeId: 'p', runs: [result], latest: result }],
    });
    expect(html).toMatch(new RegExp(`<td>streams a connection, at most</td>\\s*<td>${most}</td>`));
  });

  it('says one stream a connection for a latency check, and nothing about streams over HTTP/1.1', async () => {
    const h2 = await runProbeLocally(
      probeFor(url, { transport: { tls: { ca }, http2: true }, load: ENGINES.latency.load }),
    );
    const h1 = await runProbeLocally(probeFor(url, { transport: { tls: { ca } }, load: ENGINES.burst.load }));

    expect(h2.maxStreamsPerConnection).toBe(1);
    expect(h1.httpVersion).toBe('1.1');
    expect(h1.maxStreamsPerConnection).toBeUndefined();
  });

  it('falls back to HTTP/1.1 against a server that does not offer h2', async () => {
    const h1 = await tlsServerWith(certs, {});
    try {
      const result = await runProbeLocally(
        probeFor(h1.url, { transport: { tls: { ca }, http2: true }, load: ENGINES.latency.load }),
      );

      expect(result.requests.ok).toBe(3);
      expect(result.httpVersion).toBe('1.1');
      expect(result.tls?.alpn).toBe('http/1.1');
    } finally {
      await h1.close();
    }
  });

  it('stays on HTTP/1.1 unless asked, even where the server offers h2', async () => {
    versions = [];

    const result = await runProbeLocally(
      probeFor(url, { transport: { tls: { ca } }, load: ENGINES.latency.load }),
    );

    expect(result.httpVersion).toBe('1.1');
    expect(new Set(versions)).toEqual(new Set(['1.1']));
  });
});
