import { connect } from 'node:net';

/**
 * The least a client can do on this machine: keep-alive sockets, one canned GET, a response read to its
 * content-length, a monotonic clock. Returns each request's latency, ms.
 */
export async function rawClient(port: number, connections: number, requests: number): Promise<number[]> {
  const latencies: number[] = [];
  let sent = 0;
  const lane = () =>
    new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.setNoDelay(true);
      let started = 0;
      let received = '';
      const next = () => {
        if (sent >= requests) {
          socket.end();
          resolve();
          return;
        }
        sent++;
        received = '';
        started = performance.now();
        socket.write('GET / HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
      };
      socket.on('data', (chunk) => {
        received += chunk;
        const end = received.indexOf('\r\n\r\n');
        if (end === -1) return;
        const length = Number(/content-length: *(\d+)/i.exec(received)?.[1] ?? 0);
        if (received.length - end - 4 < length) return;
        latencies.push(performance.now() - started);
        next();
      });
      socket.on('connect', next);
      socket.on('error', reject);
    });
  await Promise.all(Array.from({ length: connections }, lane));
  return latencies;
}
