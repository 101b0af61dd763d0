import { connect } from 'node:net';
import { timedServer } from './servers.ts';

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

/**
 * What this machine adds between a server's own service time and what any client can see, right now: the
 * median of a raw-socket client above the server's reported truth. On a quiet host it is ~0.4 ms; on a busy
 * VM, waking an idle vCPU costs more, and it reaches 3 ms. Accuracy tests allow it on top of their tolerance,
 * so they judge perfprobe, not the host.
 */
export async function platformOverheadMs(connections: number): Promise<number> {
  const server = await timedServer({ fixedMs: 5 });
  try {
    const latencies = (await rawClient(server.port, connections, 100)).sort((a, b) => a - b);
    const truth = await server.truth();
    return Math.max(0, latencies[Math.ceil(latencies.length / 2) - 1]! - truth.p50);
  } finally {
    await server.close();
  }
}
