import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';

// The target of the throughput benchmark, in its own process. It must be far cheaper per request than any load
// generator, or it caps both tools and the comparison measures the target: so instead of node:http it answers
// each request head (GET, no body; "\r\n\r\n" ends one) with a canned keep-alive response.
const response = Buffer.from(
  'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\nconnection: keep-alive\r\n\r\n{"ok":true}',
);
const END = Buffer.from('\r\n\r\n');

const server = createServer((socket) => {
  socket.setNoDelay(true);
  let carry: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    let from = 0;
    let heads = 0;
    for (let at = data.indexOf(END, from); at !== -1; at = data.indexOf(END, from)) {
      heads++;
      from = at + END.length;
    }
    carry = data.subarray(from);
    if (heads === 1) socket.write(response);
    else if (heads > 1) socket.write(Buffer.concat(Array.from({ length: heads }, () => response)));
  });
  socket.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
setInterval(() => {}, 1 << 30);
