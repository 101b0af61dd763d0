import type { Socket } from 'node:net';
import { type Running, tcpServer } from './servers.ts';

export interface RawRequest {
  readonly method: string;
  /** 1 for the first request on its connection. */
  readonly onConnection: number;
}

/**
 * An HTTP/1.1 server written on raw sockets, for behaviour Node's http server will not produce: closing a
 * kept-alive connection silently, interim responses, bodies that contradict their headers. `respond` writes the
 * raw response bytes for each complete request; `onIdle` runs whenever a connection waits for its next request.
 */
export async function rawHttpServer(
  respond: (socket: Socket, request: RawRequest) => void,
  options: { readonly onIdle?: (socket: Socket) => void } = {},
): Promise<Running & { connections(): number }> {
  let connections = 0;
  const server = await tcpServer((socket) => {
    connections++;
    let buffered = Buffer.alloc(0);
    let served = 0;
    options.onIdle?.(socket);
    socket.on('data', (data) => {
      buffered = Buffer.concat([buffered, data]);
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffered.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        buffered = buffered.subarray(end + 4 + length);
        served++;
        respond(socket, { method: head.slice(0, head.indexOf(' ')), onConnection: served });
        if (socket.destroyed) return;
        options.onIdle?.(socket);
      }
    });
  });
  return { ...server, connections: () => connections };
}

export const OK_RESPONSE = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok';
