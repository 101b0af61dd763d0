import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DemoApiOptions {
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default "127.0.0.1" */
  readonly host?: string;
  /** Added to every route's own latency, ms. @default 0 */
  readonly extraLatencyMs?: number;
  /** Share of requests answered 503 on purpose, 0..1. @default 0 */
  readonly errorRate?: number;
  /** Requests per second /fx/rates accepts before answering 429. @default 20 */
  readonly fxRateLimit?: number;
  /** Time from a payment intent's confirmation to its settlement, ms (GET shows "processing" until then). @default 300 */
  readonly settleAfterMs?: number;
}

export interface DemoApi {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

const TOKEN = 'demo-token';

const ACCOUNTS = Array.from({ length: 20 }, (_, i) => ({
  id: `acc_${String(i + 1).padStart(3, '0')}`,
  owner: `Customer ${i + 1}`,
  currency: i % 3 === 0 ? 'USD' : 'EUR',
  balance: 1_000 + i * 137.5,
}));

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
  } catch {
    return undefined;
  }
}

/** Base latency plus up to `jitter` ms, skewed so the tail is longer than the head like a real service. */
const latency = (base: number, jitter: number) => base + jitter * Math.random() ** 3;

/**
 * A small banking-style API to probe: accounts, transactions, a login + payment flow, a rate-limited FX
 * endpoint and a slow report. Latency and failures can be injected.
 */
export async function startDemoApi(options: DemoApiOptions = {}): Promise<DemoApi> {
  const extra = options.extraLatencyMs ?? 0;
  const errorRate = options.errorRate ?? 0;
  const fxLimit = options.fxRateLimit ?? 20;
  const settleAfterMs = options.settleAfterMs ?? 300;
  const intents = new Map<string, { amount: number; currency: string; status: string; settlesAt?: number }>();
  // Idempotency-Key → intent id: a retried create returns the same intent, as payment APIs do.
  const byKey = new Map<string, string>();
  let fxWindow = 0;
  let fxCount = 0;
  let reports = 0;

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<[number, number, unknown]> => {
    const url = new URL(req.url ?? '/', 'http://demo');
    const path = url.pathname;
    const authorized = req.headers.authorization === `Bearer ${TOKEN}`;
    if (req.method === 'GET' && path === '/health') return [200, 1, { status: 'ok' }];
    if (req.method === 'GET' && path === '/accounts') return [200, latency(4, 6), { items: ACCOUNTS }];
    const account = /^\/accounts\/([\w-]+)(\/transactions)?$/.exec(path);
    if (req.method === 'GET' && account) {
      const found = ACCOUNTS.find((a) => a.id === account[1]);
      if (!found) return [404, 2, { error: 'account not found' }];
      if (!account[2]) return [200, latency(3, 5), found];
      const items = Array.from({ length: 25 }, (_, i) => ({
        id: `tx_${i}`,
        amount: ((i * 37) % 500) - 250,
        bookedAt: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
      }));
      return [200, latency(15, 25), { account: found.id, items }];
    }
    if (req.method === 'POST' && path === '/login') {
      const body = (await readJson(req)) as { user?: string; password?: string } | undefined;
      if (!body?.user || !body.password) return [400, 2, { error: 'user and password required' }];
      return [200, latency(20, 30), { token: TOKEN, expiresIn: 3600 }];
    }
    if (req.method === 'POST' && path === '/payments/intents') {
      if (!authorized) return [401, 1, { error: 'missing or bad bearer token' }];
      const body = (await readJson(req)) as { amount?: unknown; currency?: unknown } | undefined;
      if (typeof body?.amount !== 'number' || typeof body.currency !== 'string') {
        return [400, 2, { error: 'amount (number) and currency (string) required' }];
      }
      const key = req.headers['idempotency-key'];
      const replayed = typeof key === 'string' ? byKey.get(key) : undefined;
      if (replayed !== undefined && intents.has(replayed)) {
        return [201, latency(5, 5), { id: replayed, status: intents.get(replayed)!.status }];
      }
      const id = `pi_${randomUUID().slice(0, 8)}`;
      // Bounded: a long-running demo must not grow without limit.
      if (intents.size > 10_000) {
        intents.clear();
        byKey.clear();
      }
      if (typeof key === 'string') byKey.set(key, id);
      intents.set(id, { amount: body.amount, currency: body.currency, status: 'requires_confirmation' });
      return [201, latency(25, 40), { id, status: 'requires_confirmation' }];
    }
    const confirm = /^\/payments\/intents\/([\w-]+)\/confirm$/.exec(path);
    if (req.method === 'POST' && confirm) {
      if (!authorized) return [401, 1, { error: 'missing or bad bearer token' }];
      const intent = intents.get(confirm[1] ?? '');
      if (!intent) return [404, 2, { error: 'payment intent not found' }];
      // Settlement is asynchronous: confirmed now, succeeded after settleAfterMs.
      intent.status = 'processing';
      intent.settlesAt = Date.now() + settleAfterMs;
      return [200, latency(40, 60), { id: confirm[1], status: intent.status }];
    }
    const intentPath = /^\/payments\/intents\/([\w-]+)$/.exec(path);
    if (req.method === 'GET' && intentPath) {
      if (!authorized) return [401, 1, { error: 'missing or bad bearer token' }];
      const intent = intents.get(intentPath[1] ?? '');
      if (!intent) return [404, 2, { error: 'payment intent not found' }];
      if (intent.settlesAt !== undefined && Date.now() >= intent.settlesAt) intent.status = 'succeeded';
      return [200, latency(3, 4), { id: intentPath[1], status: intent.status }];
    }
    if (req.method === 'GET' && path === '/fx/rates') {
      const second = Math.floor(Date.now() / 1000);
      if (second !== fxWindow) {
        fxWindow = second;
        fxCount = 0;
      }
      if (++fxCount > fxLimit) {
        // A correct limiter says when to come back: the next one-second window.
        res.setHeader('retry-after', '1');
        return [429, 1, { error: 'rate limit exceeded' }];
      }
      return [200, latency(5, 10), { base: 'EUR', rates: { USD: 1.08, GBP: 0.85, CHF: 0.96 } }];
    }
    if (req.method === 'GET' && path === '/reports/monthly') {
      // Every 4th report misses the cache: a predictable slow tail, so the demo shows the same verdict each time.
      const cold = reports++ % 4 === 3;
      return [200, cold ? 320 : latency(190, 10), { status: 'ready', cache: cold ? 'miss' : 'hit' }];
    }
    return [404, 1, { error: `no route ${req.method} ${path}` }];
  };

  const server = createServer((req, res) => {
    route(req, res).then(
      ([status, delay, body]) => {
        const injected = errorRate > 0 && Math.random() < errorRate;
        setTimeout(
          () => (injected ? send(res, 503, { error: 'injected failure' }) : send(res, status, body)),
          delay + extra,
        );
      },
      () => send(res, 500, { error: 'internal error' }),
    );
  });
  server.keepAliveTimeout = 30_000;
  server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
