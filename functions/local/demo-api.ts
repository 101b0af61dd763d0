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

/** What a route answers: status, how long to wait before answering (ms), and the JSON body. */
type Reply = readonly [status: number, delayMs: number, body: unknown];

const UNAUTHORIZED: Reply = [401, 1, { error: 'missing or bad bearer token' }];

function accountRoute(path: string): Reply | undefined {
  if (path === '/accounts') return [200, latency(4, 6), { items: ACCOUNTS }];
  const account = /^\/accounts\/([\w-]+)(\/transactions)?$/.exec(path);
  if (!account) return undefined;
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

async function login(req: IncomingMessage): Promise<Reply> {
  const body = (await readJson(req)) as { user?: string; password?: string } | undefined;
  if (!body?.user || !body.password) return [400, 2, { error: 'user and password required' }];
  return [200, latency(20, 30), { token: TOKEN, expiresIn: 3600 }];
}

/** Payment intents: created (idempotently by Idempotency-Key), confirmed, then settled asynchronously. */
function createPayments(settleAfterMs: number) {
  const intents = new Map<string, { amount: number; currency: string; status: string; settlesAt?: number }>();
  // Idempotency-Key → intent id: a retried create returns the same intent, as payment APIs do.
  const byKey = new Map<string, string>();
  return {
    async create(req: IncomingMessage): Promise<Reply> {
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
    },
    confirm(id: string): Reply {
      const intent = intents.get(id);
      if (!intent) return [404, 2, { error: 'payment intent not found' }];
      // Settlement is asynchronous: confirmed now, succeeded after settleAfterMs.
      intent.status = 'processing';
      intent.settlesAt = Date.now() + settleAfterMs;
      return [200, latency(40, 60), { id, status: intent.status }];
    },
    get(id: string): Reply {
      const intent = intents.get(id);
      if (!intent) return [404, 2, { error: 'payment intent not found' }];
      if (intent.settlesAt !== undefined && Date.now() >= intent.settlesAt) intent.status = 'succeeded';
      return [200, latency(3, 4), { id, status: intent.status }];
    },
  };
}

/** The payment routes, behind the bearer token; undefined for any other route. */
async function paymentRoute(
  req: IncomingMessage,
  path: string,
  payments: ReturnType<typeof createPayments>,
): Promise<Reply | undefined> {
  const create = req.method === 'POST' && path === '/payments/intents';
  const confirm = req.method === 'POST' ? /^\/payments\/intents\/([\w-]+)\/confirm$/.exec(path) : null;
  const read = req.method === 'GET' ? /^\/payments\/intents\/([\w-]+)$/.exec(path) : null;
  if (!create && !confirm && !read) return undefined;
  if (req.headers.authorization !== `Bearer ${TOKEN}`) return UNAUTHORIZED;
  if (create) return await payments.create(req);
  return confirm ? payments.confirm(confirm[1] ?? '') : payments.get(read?.[1] ?? '');
}

/** /fx/rates: at most `limit` requests in each one-second window, then 429. */
function fxRates(limit: number): (res: ServerResponse) => Reply {
  let window = 0;
  let count = 0;
  return (res) => {
    const second = Math.floor(Date.now() / 1000);
    if (second !== window) {
      window = second;
      count = 0;
    }
    if (++count > limit) {
      // A correct limiter says when to come back: the next one-second window.
      res.setHeader('retry-after', '1');
      return [429, 1, { error: 'rate limit exceeded' }];
    }
    return [200, latency(5, 10), { base: 'EUR', rates: { USD: 1.08, GBP: 0.85, CHF: 0.96 } }];
  };
}

/** /reports/monthly: slow, and every 4th one misses the cache (a predictable tail: the same verdict each demo). */
function monthlyReports(): () => Reply {
  let reports = 0;
  return () => {
    const cold = reports++ % 4 === 3;
    return [200, cold ? 320 : latency(190, 10), { status: 'ready', cache: cold ? 'miss' : 'hit' }];
  };
}

/** Every route of the demo API, with its state (payment intents, the FX limiter's window, the report cache). */
function demoRoutes(options: DemoApiOptions): (req: IncomingMessage, res: ServerResponse) => Promise<Reply> {
  const payments = createPayments(options.settleAfterMs ?? 300);
  const fx = fxRates(options.fxRateLimit ?? 20);
  const monthlyReport = monthlyReports();
  return async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://demo').pathname;
    const get = req.method === 'GET';
    if (get && path === '/health') return [200, 1, { status: 'ok' }];
    if (get && path === '/fx/rates') return fx(res);
    if (get && path === '/reports/monthly') return monthlyReport();
    if (req.method === 'POST' && path === '/login') return await login(req);
    return (
      (get ? accountRoute(path) : undefined) ??
      (await paymentRoute(req, path, payments)) ?? [404, 1, { error: `no route ${req.method} ${path}` }]
    );
  };
}

/**
 * A small banking-style API to probe: accounts, transactions, a login + payment flow, a rate-limited FX
 * endpoint and a slow report. Latency and failures can be injected.
 */
export async function startDemoApi(options: DemoApiOptions = {}): Promise<DemoApi> {
  const extra = options.extraLatencyMs ?? 0;
  const errorRate = options.errorRate ?? 0;
  const route = demoRoutes(options);
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
