import { once } from 'node:events';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveProbe } from '../../../../functions/core/suite/resolve-probe.ts';
import { validateSuite } from '../../../../functions/core/suite/validate-suite.ts';
import { formatRun } from '../../../../functions/local/report.ts';
import { runProbeLocally } from '../../../../functions/local/run-probe.ts';
import { createStyle } from '../../../../functions/local/style.ts';
import { httpServer, refusedPort, tcpServer } from '../../../helpers/servers.ts';
import { makeTestCertificates, type TestCertificates } from '../../../helpers/tls-certificates.ts';

// A distinctive secret in the host, the path, a header and the body, through every kind of failure: it must
// appear in no output (the summary, the JSON, the samples), whatever case the failure reports it in.
const SECRET = 'Tok3nXq9Zv7Secret';

interface Target {
  readonly origin: string;
  close(): Promise<void>;
}

let certs: TestCertificates;
beforeAll(() => {
  certs = makeTestCertificates();
});

const http = async (handler: Parameters<typeof httpServer>[0]): Promise<Target> => {
  const server = await httpServer(handler);
  return { origin: server.url, close: () => server.close() };
};

/** The server says back everything it was sent, in its body and headers: an echo cannot leak past the probe. */
const echo = (status: number) =>
  http((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      res.writeHead(status, { 'x-echo': String(req.headers.authorization) });
      res.end(`${req.method} ${req.url} ${JSON.stringify(req.headers)} ${body}`);
    });
  });

const FAILURES: { name: string; start: () => Promise<Target>; hostHoldsSecret?: boolean }[] = [
  {
    name: 'refused',
    start: async () => ({ origin: `http://127.0.0.1:${await refusedPort()}`, close: async () => {} }),
  },
  {
    name: 'unresolvable host named by the secret',
    hostHoldsSecret: true,
    start: async () => ({ origin: 'http://${token}.invalid', close: async () => {} }),
  },
  {
    name: 'untrusted certificate',
    start: async () => {
      const server = createHttpsServer(certs.selfSigned, (_, res) => res.end('ok'));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      return {
        origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: () => new Promise((resolve) => server.close(() => resolve())),
      };
    },
  },
  {
    name: 'reset',
    start: async () => {
      const server = await tcpServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
      return { origin: server.url, close: () => server.close() };
    },
  },
  { name: 'hang', start: () => http(() => {}) },
  {
    name: 'garbage bytes echoing the request',
    start: async () => {
      const server = await tcpServer((socket) => socket.once('data', (data) => socket.end(`BAD ${data}`)));
      return { origin: server.url, close: () => server.close() };
    },
  },
  { name: '503 echoing the request', start: () => echo(503) },
  { name: 'failed assertions on an echo', start: () => echo(200) },
];

describe('a secret never leaves the run', () => {
  it.each(FAILURES)('$name', async ({ start, hostHoldsSecret }) => {
    const target = await start();
    try {
      const suite = validateSuite({
        name: 'secrets',
        environments: {
          test: {
            baseUrl: target.origin,
            variables: { token: { secret: 'env:PERFPROBE_TEST_TOKEN' } },
            caps: { maxRate: 1_000, maxConnections: 10, maxDuration: '1m' },
          },
        },
        probes: [
          {
            id: 'leak',
            request: {
              method: 'POST',
              url: '${baseUrl}/pay/${token}',
              headers: { authorization: 'Bearer ${token}' },
              body: { token: '${token}' },
              timeout: '300ms',
            },
            load: { kind: 'latency', requests: 2, interval: 0 },
            assert: { status: 200, headers: { 'x-echo': { equals: 'nope' } }, bodyContains: 'never there' },
          },
        ],
      });
      const probe = resolveProbe(suite, suite.probes[0]!, 'test');

      const result = await runProbeLocally(probe, { env: { PERFPROBE_TEST_TOKEN: SECRET } });

      expect(result.requests.failed).toBe(2);
      if (hostHoldsSecret) expect(result.errors).toEqual({ dns: 2 });
      const outputs = [JSON.stringify(result), formatRun(result, createStyle({ isTTY: false }))];
      for (const output of outputs) expect(output.toLowerCase()).not.toContain(SECRET.toLowerCase());
      // Nor the target's address: samples name the error and its phase only.
      expect(result.sampleErrors.join('\n')).not.toMatch(/127\.0\.0\.1|:\d{2,5}\b|invalid/);
    } finally {
      await target.close();
    }
  });
});
