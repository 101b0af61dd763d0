import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// A minimal node:http keep-alive server in its own process: a realistic API whose own cost per request is of
// the same order as a load generator's, so it shows what users see, not the generator's ceiling.
const body = Buffer.from('{"ok":true}');
const server = createServer((_, res) => {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
