import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';

export interface Running {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1, a free port; close() also drops kept-alive and hanging connections. */
export async function httpServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<Running> {
  const server: Server = createServer(handler);
  server.keepAliveTimeout = 30_000;
  return listenOnLoopback(server, () => server.closeAllConnections());
}

/** A raw TCP server for misbehaviour HTTP servers cannot express (garbage bytes, resets). */
export async function tcpServer(onSocket: (socket: Socket) => void): Promise<Running> {
  const sockets = new Set<Socket>();
  const server: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onSocket(socket);
  });
  return listenOnLoopback(server, () => {
    for (const s of sockets) s.destroy();
  });
}

/** Listens on 127.0.0.1 and a free port; close() first drops open connections, then stops listening. */
async function listenOnLoopback(server: Server | TcpServer, dropConnections: () => void): Promise<Running> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        dropConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: bound once to learn a free number, then released. */
export async function refusedPort(): Promise<number> {
  const server = createTcpServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Calls `fn` `ms` after `from` (a performance.now() time), precisely: a timer for most of the wait, then polling
 * on the monotonic clock, because a plain setTimeout fires 1–3 ms late on a busy loop and would blur the truth
 * that accuracy tests compare against.
 */
export function preciseDelay(ms: number, fn: () => void, from = performance.now()): void {
  const due = from + ms;
  const poll = () => (performance.now() >= due ? fn() : setImmediate(poll));
  const coarse = due - performance.now() - 3;
  if (coarse > 0) setTimeout(poll, coarse);
  else poll();
}
