import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WatchPages {
  /** The page at `/`. */
  readonly html: () => Promise<string> | string;
  /** The HTML report of the recent runs at `/report` (charts). */
  readonly report: () => Promise<string> | string;
  /** The document at `/runs.json`. */
  readonly runs: () => Promise<unknown> | unknown;
}

export interface WatchServer {
  readonly url: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/**
 * The watch's live page on 127.0.0.1 only: what it shows (the runs, the targets) is for whoever runs the watch,
 * not for the network. `port` 0 takes any free port.
 */
export async function startWatchServer(port: number, pages: WatchPages): Promise<WatchServer> {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://watch').pathname;
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') send(res, 405, 'text/plain', 'GET only\n');
      else if (path === '/') send(res, 200, 'text/html; charset=utf-8', await pages.html());
      else if (path === '/report') send(res, 200, 'text/html; charset=utf-8', await pages.report());
      else if (path === '/runs.json') {
        send(res, 200, 'application/json', `${JSON.stringify(await pages.runs(), null, 2)}\n`);
      } else send(res, 404, 'text/plain', 'not found: try /, /report or /runs.json\n');
    } catch (error) {
      send(res, 500, 'text/plain', `perfprobe watch: ${(error as Error).message}\n`);
    }
  });
  server.listen(port, '127.0.0.1');
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => Promise.reject(error)),
  ]);
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // A browser keeps its connection open: the page must not hold the stop up.
      server.closeAllConnections();
      await closed;
    },
  };
}
