import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createUndiciTransport } from './undici-transport.ts';

let warmed: Promise<void> | undefined;

/**
 * Sends a few requests to a throwaway server in this process, once per process. The first request through
 * undici costs ~11 ms of our own cold code (parser compile, JIT), measured on loopback against ~2 ms of connect;
 * without this, a latency probe's first sample would be the generator's cold start, not the target.
 * Nothing is sent to the target.
 */
export function warmUpGenerator(): Promise<void> {
  warmed ??= (async () => {
    const server = createServer((_, res) => res.end('warm')).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const transport = createUndiciTransport({
      origin,
      connections: 1,
      timeoutMs: 1_000,
      connection: 'reuse',
    });
    const request = {
      origin,
      path: '/',
      method: 'GET',
      headers: {},
      body: undefined,
      timeoutMs: 1_000,
      bodyCap: 1_024,
      captureHeaders: true,
      captureBody: true,
    };
    for (let i = 0; i < 3; i++) await new Promise((resolve) => transport.lanes[0]!.send(request, resolve));
    await transport.close();
    server.closeAllConnections();
    server.close();
  })().catch(() => {});
  return warmed;
}
