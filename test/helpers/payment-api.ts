import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResolvedProbe } from '../../functions/core/plan.ts';
import { resolveProbe } from '../../functions/core/suite/resolve-probe.ts';
import { validateSuite } from '../../functions/core/suite/validate-suite.ts';
import { httpServer, type Running } from './servers.ts';

export interface PaymentApiOptions {
  /** Polls of GET /payments/:id that answer "pending" before it answers "settled". @default 3 */
  readonly pendingPolls?: number;
  /** Create answers 201 without an id (a capture of $.id then finds nothing). */
  readonly omitId?: boolean;
  /** The token login hands out; a fresh one per login when omitted. */
  readonly token?: () => string;
}

export interface PaymentApi extends Running {
  /** Successful logins. */
  readonly logins: () => number;
  /** Distinct payments created (an idempotency key seen twice creates one). */
  readonly payments: () => number;
  /** Requests that carried a token this server never issued. */
  readonly badTokens: () => number;
  /** Every request line and header the server saw, for tests that look for leaked values. */
  readonly seen: () => string[];
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * A small stateful payment API: POST /login → { token }; POST /payments (bearer token, idempotency-key) →
 * 201 { id }; GET /payments/:id → { status: "pending" } for `pendingPolls` polls, then "settled".
 */
export async function paymentApi(options: PaymentApiOptions = {}): Promise<PaymentApi> {
  const pendingPolls = options.pendingPolls ?? 3;
  const tokens = new Set<string>();
  const byKey = new Map<string, string>();
  const polls = new Map<string, number>();
  const seen: string[] = [];
  let logins = 0;
  let badTokens = 0;
  const server = await httpServer((req, res) => {
    void (async () => {
      const body = await bodyOf(req);
      seen.push(`${req.method} ${req.url} ${JSON.stringify(req.headers)} ${body}`);
      if (req.method === 'POST' && req.url === '/login') {
        logins++;
        const token = options.token?.() ?? `tok-${logins}-${Math.random().toString(36).slice(2)}`;
        tokens.add(token);
        return json(res, 200, { token });
      }
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (token === undefined || !tokens.has(token)) {
        badTokens++;
        return json(res, 401, { error: 'unauthorized' });
      }
      if (req.method === 'POST' && req.url === '/payments') {
        const key = req.headers['idempotency-key'];
        if (typeof key !== 'string') return json(res, 400, { error: 'idempotency-key required' });
        let id = byKey.get(key);
        if (id === undefined) {
          id = `pay-${byKey.size + 1}`;
          byKey.set(key, id);
          polls.set(id, 0);
        }
        return json(res, 201, options.omitId ? { status: 'created' } : { id, status: 'pending' });
      }
      const id = /^\/payments\/([\w-]+)$/.exec((req.url ?? '').split('?')[0]!)?.[1];
      if (req.method === 'GET' && id !== undefined && polls.has(id)) {
        const n = polls.get(id)! + 1;
        polls.set(id, n);
        return json(res, 200, { id, status: n > pendingPolls ? 'settled' : 'pending' });
      }
      return json(res, 404, { error: 'not found' });
    })();
  });
  return {
    ...server,
    logins: () => logins,
    payments: () => byKey.size,
    badTokens: () => badTokens,
    seen: () => [...seen],
  };
}

/** The payment flow: login, create (fresh idempotency key), poll until settled. */
export function paymentFlowSteps(every = '20ms', timeout = '5s'): Record<string, unknown>[] {
  return [
    {
      name: 'login',
      request: { method: 'POST', url: '/login', body: { user: 'synthetic' } },
      capture: { token: { json: '$.token', secret: true } },
      assert: { status: 200 },
    },
    {
      name: 'create',
      request: {
        method: 'POST',
        url: '/payments',
        headers: { authorization: 'Bearer ${token}', 'idempotency-key': '${uuid}' },
        body: { amount: 1 },
      },
      capture: { paymentId: { json: '$.id' } },
      assert: { status: 201 },
    },
    {
      name: 'settled',
      request: { url: '/payments/${paymentId}', headers: { authorization: 'Bearer ${token}' } },
      until: { json: { '$.status': 'settled' }, every, timeout },
    },
  ];
}

/** A validated, resolved one-flow suite against `baseUrl`, with generous caps for tests. */
export function flowFor(
  baseUrl: string,
  probe: Record<string, unknown>,
  variables: Record<string, unknown> = {},
): ResolvedProbe {
  const suite = validateSuite({
    name: 'test',
    environments: {
      test: { baseUrl, variables, caps: { maxRate: 5_000, maxConnections: 500, maxDuration: '2m' } },
    },
    probes: [{ id: 'flow', steps: paymentFlowSteps(), ...probe }],
  });
  return resolveProbe(suite, suite.probes[0]!, 'test');
}
