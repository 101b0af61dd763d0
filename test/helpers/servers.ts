import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import { fileURLToPath } from 'node:url';

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

export interface ServiceTimes {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** Starts test/helpers/timed-server.mjs with a plan of known service times, in its own process. */
export async function timedServer(
  plan: Record<string, unknown>,
): Promise<Running & { truth(): Promise<ServiceTimes> }> {
  const script = fileURLToPath(new URL('./timed-server.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, JSON.stringify(plan)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  const port = Number(chunk.toString().trim());
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    // Fetched outside the probe, so it is not part of what was measured.
    truth: async () => (await fetch(`http://127.0.0.1:${port}/__stats`)).json() as Promise<ServiceTimes>,
    close: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
