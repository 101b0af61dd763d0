import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyError } from '../../../functions/adapters/undici-error-class.ts';
import { createUndiciTransport } from '../../../functions/adapters/undici-transport.ts';
import type { Exchange } from '../../../functions/core/transport.ts';
import { runProbeLocally } from '../../../functions/local/run-probe.ts';
import { probeFor } from '../../helpers/probes.ts';
import { OK_RESPONSE, rawHttpServer } from '../../helpers/raw-http-server.ts';
import { httpServer, type Running, refusedPort, tcpServer } from '../../helpers/servers.ts';
import { makeTestCertificates } from '../../helpers/tls-certificates.ts';

let target: Running | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

/** Five sequential requests with a short timeout: enough to see each failure class, quick to run. */
const check = (url: string, extra: Record<string, unknown> = {}) =>
  runProbeLocally(
    probeFor(url, {
      request: { url: '/', timeout: '300ms' },
      load: { kind: 'latency', requests: 5, interval: 0 },
      ...extra,
    }),
  );

describe('each misbehaviour lands in exactly one error class', () => {
  it('a server that never answers is timeout_headers, and the run still ends on time', async () => {
    target = await httpServer(() => {});
    const started = performance.now();

    const result = await check(target.url);

    expect(result.errors).toEqual({ timeout_headers: 5 });
    expect(result.requests).toEqual({ total: 5, ok: 0, failed: 5 });
    // 5 sequential requests × 300 ms timeout, plus the sweeper's granularity, plus the first fresh-connection
    // check's warm-up in this process (capped at 250 ms, see warm-up.ts).
    expect(performance.now() - started).toBeLessThan(5 * 300 + 500 + 250);
  });

  it('a connection reset before the response is connection_reset', async () => {
    target = await tcpServer((socket) => socket.once('data', () => socket.resetAndDestroy()));

    const result = await check(target.url);

    expect(result.errors).toEqual({ connection_reset: 5 });
  });

  it('a refused port is connection_refused', async () => {
    const port = await refusedPort();

    const result = await check(`http://127.0.0.1:${port}`);

    expect(result.errors).toEqual({ connection_refused: 5 });
    expect(result.latencyMs.max).toBe(0);
  });

  it('503 responses are http_5xx, with their latency recorded', async () => {
    target = await httpServer((_, res) => {
      res.statusCode = 503;
      res.end('down');
    });

    const result = await check(target.url);

    expect(result.errors).toEqual({ http_5xx: 5 });
    expect(result.statusCodes).toEqual({ '503': 5 });
    expect(result.latencyMs.max).toBeGreaterThan(0);
  });

  it('garbage bytes instead of HTTP are protocol', async () => {
    target = await tcpServer((socket) =>
      socket.once('data', () => socket.end('SSH-2.0-OpenSSH_9.6\r\nthis is not http\r\n\r\n')),
    );

    const result = await check(target.url);

    expect(result.errors).toEqual({ protocol: 5 });
  });

  it('a flood of response headers is protocol, not buffered without end', async () => {
    target = await tcpServer((socket) =>
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\n');
        for (let i = 0; i < 2_000; i++) socket.write(`x-flood-${i}: ${'y'.repeat(64)}\r\n`);
      }),
    );

    const result = await check(target.url);

    expect(result.errors).toEqual({ protocol: 5 });
    expect(result.sampleErrors[0]).toMatch(/^protocol: UND_ERR_HEADERS_OVERFLOW/);
  });

  it('a body that drips slower than the timeout is timeout_body, even though bytes keep arriving', async () => {
    target = await httpServer((_, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      // A byte every 50 ms never trips an idle timer: only a whole-request deadline catches it.
      const timer = setInterval(() => res.write('.'), 50);
      res.on('close', () => clearInterval(timer));
    });

    const result = await check(target.url);

    expect(result.errors).toEqual({ timeout_body: 5 });
    expect(result.statusCodes).toEqual({ '200': 5 });
  });

  it('a status the assertions reject is http_4xx, a failed body assertion is assertion', async () => {
    target = await httpServer((req, res) => {
      res.statusCode = req.url === '/missing' ? 404 : 200;
      res.end('{"status":"degraded"}');
    });

    const missing = await runProbeLocally(
      probeFor(target.url, {
        request: { url: '/missing' },
        load: { kind: 'latency', requests: 3, interval: 0 },
      }),
    );
    const degraded = await runProbeLocally(
      probeFor(target.url, {
        load: { kind: 'latency', requests: 3, interval: 0 },
        assert: { json: { '$.status': 'ok' } },
      }),
    );

    expect(missing.errors).toEqual({ http_4xx: 3 });
    expect(degraded.errors).toEqual({ assertion: 3 });
    expect(degraded.sampleErrors).toContain('assertion: $.status is not "ok"');
  });
});

describe('failures before any HTTP is spoken', () => {
  it('a listener whose accept queue is full is timeout_connect', async () => {
    const script = fileURLToPath(new URL('../../helpers/no-accept.py', import.meta.url));
    const listener = spawn('python3', [script, '20'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [chunk] = (await once(listener.stdout, 'data')) as [Buffer];
      const port = Number(chunk.toString().trim());
      const filler = connect(port, '127.0.0.1');
      await once(filler, 'connect');

      const result = await check(`http://127.0.0.1:${port}`);
      filler.destroy();

      expect(result.errors).toEqual({ timeout_connect: 5 });
    } finally {
      listener.kill();
    }
  });

  it('a certificate the client does not trust is tls', async () => {
    const { selfSigned } = makeTestCertificates();
    const server = createHttpsServer(selfSigned, (_, res) => res.end('ok'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const result = await check(`https://127.0.0.1:${(server.address() as AddressInfo).port}`);

      expect(result.errors).toEqual({ tls: 5 });
      expect(result.sampleErrors[0]).toMatch(/^tls: (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)/);
    } finally {
      server.close();
    }
  });
});

describe('body cap', () => {
  const MiB = 1024 * 1024;
  const fiftyMiB = async () =>
    httpServer((_, res) => {
      const chunk = Buffer.alloc(MiB, 'x');
      res.writeHead(200, { 'content-length': 50 * MiB });
      let sent = 0;
      const pump = () => {
        while (sent < 50 && res.write(chunk)) sent++;
        if (sent < 50) res.once('drain', pump);
        else res.end();
      };
      pump();
    });

  it('keeps exactly the cap of a 50 MiB body and counts every byte', async () => {
    target = await fiftyMiB();
    const transport = createUndiciTransport({
      origin: target.url,
      connections: 1,
      timeoutMs: 20_000,
      connection: 'reuse',
    });
    const request = {
      origin: target.url,
      path: '/',
      method: 'GET',
      headers: {},
      body: undefined,
      timeoutMs: 20_000,
      bodyCap: MiB,
      captureHeaders: false,
      captureBody: true,
    };

    const exchange = await new Promise<Exchange>((resolve) => transport.lanes[0]!.send(request, resolve));
    await transport.close();

    expect(exchange.errorClass).toBeUndefined();
    expect(exchange.bytes).toBe(50 * MiB);
    expect(exchange.body?.length).toBe(MiB);
    expect(exchange.bodyTruncated).toBe(true);
  });

  it('holds memory flat while 150 MiB of bodies stream through a 1 MiB cap', async () => {
    target = await fiftyMiB();
    const gc = (globalThis as { gc?: () => void }).gc!;
    const live = () => {
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const baseline = live();
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, live() - baseline);
    }, 5);

    const result = await runProbeLocally(
      probeFor(target.url, {
        request: { url: '/', timeout: '20s' },
        load: { kind: 'latency', requests: 3, interval: 0 },
        assert: { bodyContains: 'xxx' },
        bodyCap: '1MiB',
      }),
    );
    clearInterval(sampler);

    expect(result.errors).toEqual({});
    expect(result.bytesReceived).toBe(150 * MiB);
    // Buffering a body would hold 50 MiB; the cap, socket buffers and the server's own chunk stay far below.
    expect(peak).toBeLessThan(16 * MiB);
  });
});

describe('classifyError', () => {
  it.each([
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout_connect'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout_headers'],
    ['UND_ERR_BODY_TIMEOUT', 'timeout_body'],
    ['ECONNREFUSED', 'connection_refused'],
    ['ECONNRESET', 'connection_reset'],
    ['UND_ERR_SOCKET', 'connection_reset'],
    ['ENOTFOUND', 'dns'],
    ['EAI_AGAIN', 'dns'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls'],
    ['HPE_INVALID_CONSTANT', 'protocol'],
    ['UND_ERR_ABORTED', 'aborted'],
  ])('maps %s to %s', (code, expected) => {
    expect(classifyError(Object.assign(new Error('x'), { code }))).toBe(expected);
  });

  it('tells a broken protocol from a closed connection when undici gives both one code', () => {
    const socketError = (message: string) => Object.assign(new Error(message), { code: 'UND_ERR_SOCKET' });

    expect(classifyError(socketError('other side closed'))).toBe('connection_reset');
    expect(classifyError(socketError('bad upgrade'))).toBe('protocol');
    expect(classifyError(socketError('bad response'))).toBe('protocol');
  });
});

// A retry absorbs one host hiccup in the loopback round trip; the 30 ms the test adds would fail every attempt.
describe('where a latency starts', { retry: 2 }, () => {
  it("counts from the write on an open connection, so the client's own busy time is not the target's", async () => {
    target = await httpServer((_, res) => res.end('ok'));
    const transport = createUndiciTransport({
      origin: target.url,
      connections: 1,
      timeoutMs: 2_000,
      connection: 'reuse',
    });
    const lane = transport.lanes[0]!;
    const send = () =>
      new Promise<{ sentAt: number; exchange: Exchange; doneAt: number }>((resolve) => {
        const sentAt = performance.now();
        lane.send(request(target!.url), (exchange) =>
          resolve({ sentAt, exchange, doneAt: performance.now() }),
        );
        // The generator is busy for 30 ms right after sending (what a loaded event loop does): undici writes
        // a request on a reused connection only on the next turn, so this time is not the server's.
        const until = performance.now() + 30;
        while (performance.now() < until) {
          // busy
        }
      });
    try {
      const first = await send();
      const second = await send();
      expect(first.exchange.status).toBe(200);
      expect(second.exchange.status).toBe(200);
      // The first request waited for its connection: it counts from the send, connect included.
      expect(first.exchange.startedMs).toBeGreaterThanOrEqual(first.sentAt);
      expect(first.exchange.startedMs).toBeLessThan(first.sentAt + 1);
      // The second went out on the open connection after the busy spell: counted from its write.
      expect(second.exchange.startedMs).toBeGreaterThanOrEqual(second.sentAt + 30);
      expect(second.doneAt - second.exchange.startedMs).toBeLessThan(20);
      expect(second.doneAt - second.sentAt).toBeGreaterThanOrEqual(30);
    } finally {
      await transport.close();
    }
  });
});

function request(origin: string) {
  return {
    origin,
    path: '/',
    method: 'GET',
    headers: {},
    body: undefined,
    timeoutMs: 2_000,
    bodyCap: 1_024,
    captureHeaders: false,
    captureBody: false,
  };
}

describe('kept-alive connections the server closed', () => {
  const transportFor = (origin: string) =>
    createUndiciTransport({ origin, connections: 1, timeoutMs: 2_000, connection: 'reuse' });
  const sendOn = (transport: ReturnType<typeof transportFor>, method: string) =>
    new Promise<Exchange>((resolve) =>
      transport.lanes[0]!.send({ ...request(target!.url), method }, resolve),
    );

  // The server answers, then closes the connection the moment the next request arrives on it: exactly the race
  // of a keep-alive close crossing the client's next write, made deterministic.
  const closesOnSecondRequest = () =>
    rawHttpServer((socket, req) => {
      if (req.onConnection === 1) socket.write(OK_RESPONSE);
      else socket.destroy();
    });

  it('sends an idempotent request again on a fresh connection, once, and counts it', async () => {
    target = await closesOnSecondRequest();
    const transport = transportFor(target.url);
    try {
      await sendOn(transport, 'GET');
      const second = await sendOn(transport, 'GET');

      expect(second.errorClass).toBeUndefined();
      expect(second.status).toBe(200);
      expect(second.staleRetried).toBe(true);
      expect(transport.counters()).toEqual({ connectAttempts: 2, staleRetries: 1 });
    } finally {
      await transport.close();
    }
  });

  it('does not resend a POST, and says the server closed an idle keep-alive connection', async () => {
    target = await closesOnSecondRequest();
    const transport = transportFor(target.url);
    try {
      await sendOn(transport, 'POST');
      const second = await sendOn(transport, 'POST');

      expect(second.errorClass).toBe('connection_reset');
      expect(second.errorMessage).toMatch(/server closed an idle keep-alive connection.*not retried: POST/);
      expect(transport.counters().staleRetries).toBe(0);
    } finally {
      await transport.close();
    }
  });

  it('reports a failure of the retry itself as the result', async () => {
    target = await rawHttpServer((socket, req) => {
      if (req.onConnection === 1 && socket.remotePort !== undefined && !closedOnce) {
        closedOnce = true;
        socket.write(OK_RESPONSE);
      } else socket.destroy();
    });
    let closedOnce = false;
    const transport = transportFor(target.url);
    try {
      await sendOn(transport, 'GET');
      const second = await sendOn(transport, 'GET');

      expect(second.errorClass).toBe('connection_reset');
      expect(second.staleRetried).toBe(true);
    } finally {
      await transport.close();
    }
  });
});

describe('what a request reports', () => {
  it('never calls back from inside send, even when the transport is closed', async () => {
    target = await httpServer((_, res) => res.end('ok'));
    const transport = createUndiciTransport({
      origin: target.url,
      connections: 1,
      timeoutMs: 1_000,
      connection: 'reuse',
    });
    await transport.close();
    let calledBack = false;
    const done = new Promise<Exchange>((resolve) =>
      transport.lanes[0]!.send(request(target!.url), (exchange) => {
        calledBack = true;
        resolve(exchange);
      }),
    );

    expect(calledBack).toBe(false);
    expect((await done).errorClass).toBe('aborted');
  });

  it('times dns, connect, ttfb and download of a fresh connection, and no tls for plain HTTP', async () => {
    target = await httpServer((_, res) => setTimeout(() => res.end('ok'), 20));
    const origin = target.url.replace('127.0.0.1', 'localhost');
    const transport = createUndiciTransport({
      origin,
      connections: 1,
      timeoutMs: 2_000,
      connection: 'fresh',
    });
    try {
      const exchange = await new Promise<Exchange>((resolve) =>
        transport.lanes[0]!.send({ ...request(origin), origin }, resolve),
      );

      expect(exchange.status).toBe(200);
      expect(exchange.phases.dnsMs).toBeGreaterThanOrEqual(0);
      expect(exchange.phases.connectMs).toBeGreaterThanOrEqual(0);
      expect(exchange.phases.tlsMs).toBe(-1);
      // The server waits (20 ms) before its headers, then sends a 2-byte body: the wait is ttfb, not download.
      expect(exchange.phases.ttfbMs).toBeGreaterThan(exchange.phases.downloadMs);
      expect(exchange.phases.downloadMs).toBeGreaterThanOrEqual(0);
    } finally {
      await transport.close();
    }
  });

  it('gets a 200 that follows a 100 Continue, and a 200 that follows a 103 Early Hints', async () => {
    target = await rawHttpServer((socket, req) =>
      socket.write(
        req.onConnection === 1
          ? `HTTP/1.1 100 Continue\r\n\r\n${OK_RESPONSE}`
          : `HTTP/1.1 103 Early Hints\r\nlink: </a.css>; rel=preload\r\n\r\n${OK_RESPONSE}`,
      ),
    );
    const transport = createUndiciTransport({
      origin: target.url,
      connections: 1,
      timeoutMs: 2_000,
      connection: 'reuse',
    });
    try {
      const send = () =>
        new Promise<Exchange>((resolve) =>
          transport.lanes[0]!.send({ ...request(target!.url), captureBody: true }, resolve),
        );
      const first = await send();
      const second = await send();

      expect([first.status, first.body, first.errorClass]).toEqual([200, 'ok', undefined]);
      expect([second.status, second.body, second.errorClass]).toEqual([200, 'ok', undefined]);
      expect(transport.counters().connectAttempts).toBe(1);
    } finally {
      await transport.close();
    }
  });
});

describe('what goes on the wire', () => {
  it('writes the prepared method, path, headers in order and body, the same bytes on every send', async () => {
    let received = '';
    target = await rawHttpServer((socket) => socket.write(OK_RESPONSE));
    const capture = await tcpServer((socket) => {
      const upstream = connect(target!.port, '127.0.0.1');
      socket.on('data', (data: Buffer) => {
        received += data.toString('latin1');
        upstream.write(data);
      });
      upstream.pipe(socket);
    });
    const transport = createUndiciTransport({
      origin: capture.url,
      connections: 1,
      timeoutMs: 2_000,
      connection: 'reuse',
    });
    try {
      const prepared = {
        ...request(capture.url),
        method: 'POST',
        path: '/orders?limit=2',
        headers: { 'user-agent': 'perfprobe-test', 'x-trace': 'a b', accept: '*/*' },
        body: '{"n":1}',
      };
      const send = () => new Promise<Exchange>((resolve) => transport.lanes[0]!.send(prepared, resolve));
      const first = await send();
      const second = await send();

      expect([first.status, second.status]).toEqual([200, 200]);
      const one = [
        'POST /orders?limit=2 HTTP/1.1',
        `host: 127.0.0.1:${capture.port}`,
        'connection: keep-alive',
        'user-agent: perfprobe-test',
        'x-trace: a b',
        'accept: */*',
        'content-length: 7',
        '',
        '{"n":1}',
      ].join('\r\n');
      expect(received).toBe(one + one);
    } finally {
      await transport.close();
      await capture.close();
    }
  });
});
