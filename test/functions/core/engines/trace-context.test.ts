import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../../../functions/core/run-result.ts';
import { runProbeLocally } from '../../../../functions/local/run-probe.ts';
import { flowFor, paymentApi } from '../../../helpers/payment-api.ts';
import { probeFor } from '../../../helpers/probes.ts';
import { httpServer, type Running, refusedPort } from '../../../helpers/servers.ts';

/** W3C Trace Context level 1: version 00, a 32-hex trace id, a 16-hex parent id, flags; lowercase hex. */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;
/** How long the target holds the one request it makes the slowest: far above a loopback answer. */
const SLOW_MS = 300;

/** What the target saw: each request's traceparent header(s), in arrival order. */
interface Seen {
  readonly path: string;
  readonly traceparent: string | string[] | undefined;
}

let target: Running;
let seen: Seen[] = [];
/** The arrival (0-based) the target answers after SLOW_MS; -1 for none. */
let slowArrival = -1;

beforeAll(async () => {
  target = await httpServer((req: IncomingMessage, res) => {
    const arrival = seen.length;
    seen.push({ path: req.url ?? '', traceparent: req.headers.traceparent });
    const answer = () => {
      res.statusCode = req.url === '/fail' ? 500 : 200;
      res.end('{"ok":true}');
    };
    if (arrival === slowArrival) setTimeout(answer, SLOW_MS);
    else answer();
  });
});
afterAll(async () => {
  await target?.close();
});

async function probe(extra: Record<string, unknown>, slow = -1): Promise<RunResult> {
  seen = [];
  slowArrival = slow;
  return runProbeLocally(probeFor(target.url, extra));
}

/** The trace ids the target saw, checking every header's format on the way. */
function seenTraceIds(): string[] {
  return seen.map(({ traceparent }) => {
    expect(traceparent).toMatch(TRACEPARENT);
    return TRACEPARENT.exec(traceparent as string)![1]!;
  });
}

describe('a W3C traceparent on every request', () => {
  it.each([
    ['latency check', { load: { kind: 'latency', requests: 5, interval: 0 } }],
    ['burst', { load: { kind: 'burst', connections: 2, requests: 30 } }],
    ['rate', { load: { kind: 'rate', rate: 40, duration: '500ms', connections: 2 } }],
  ])(
    '%s: a new trace id per request; the slowest ids in the result are ids the target saw, the held one first',
    async (_name, extra) => {
      const result = await probe(extra, 2);

      const ids = seenTraceIds();
      expect(new Set(ids).size).toBe(ids.length);
      expect(result.requests.ok).toBe(ids.length);
      const slowest = result.traces?.slowest ?? [];
      expect(slowest).toHaveLength(Math.min(5, ids.length));
      for (const trace of slowest) expect(ids).toContain(trace.traceId);
      expect(slowest[0]?.traceId).toBe(ids[2]);
      // Within a ms of the hold: the server's timer counts from the loop's cached clock, and the rate engine
      // writes a request a learned hold ahead of its intended time (seen: 299.9 ms for a 300 ms hold).
      expect(slowest[0]?.ms).toBeGreaterThanOrEqual(SLOW_MS - 1);
      expect(result.traces?.failed).toEqual([]);
    },
  );

  it('keeps failed requests’ ids with their class, and none of requests that never reached a connection', async () => {
    const failed = await probe({
      request: { url: '/fail' },
      load: { kind: 'latency', requests: 3, interval: 0 },
    });
    const refused = await runProbeLocally(
      probeFor(`http://127.0.0.1:${await refusedPort()}`, {
        load: { kind: 'latency', requests: 2, interval: 0 },
      }),
    );

    expect(failed.traces).toEqual({
      slowest: [],
      failed: seenTraceIds().map((traceId) => ({ traceId, errorClass: 'http_5xx' })),
    });
    expect(refused.errors.connection_refused).toBe(2);
    expect(refused.traces).toBeUndefined();
  });

  it('sends none with transport.traceparent: false, and keeps no ids', async () => {
    const result = await probe({
      load: { kind: 'burst', connections: 2, requests: 10 },
      transport: { traceparent: false },
    });

    expect(seen).toHaveLength(10);
    expect(seen.filter((s) => s.traceparent !== undefined)).toEqual([]);
    expect(result.traces).toBeUndefined();
  });

  it('sends a traceparent the probe sets itself as written, once, whatever its case', async () => {
    const own = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

    const result = await probe({
      request: { url: '/', headers: { TraceParent: own } },
      load: { kind: 'latency', requests: 3, interval: 0 },
    });

    expect(seen.map((s) => s.traceparent)).toEqual([own, own, own]);
    expect(result.traces).toBeUndefined();
  });
});

describe('a flow’s requests', () => {
  it('carry their own traceparent, each step and each poll; the slowest name their step', async () => {
    const api = await paymentApi({ pendingPolls: 2 });
    try {
      const result = await runProbeLocally(
        flowFor(api.url, { load: { kind: 'latency', requests: 2, interval: 0 } }),
      );

      // login, create, then 3 polls of settled: 5 requests per iteration.
      const headers = api.seen().map((line) => JSON.parse(/^\S+ \S+ (\{.*?\}) /.exec(line)![1]!).traceparent);
      expect(headers).toHaveLength(10);
      const ids = headers.map((h: string) => TRACEPARENT.exec(h)![1]!);
      expect(new Set(ids).size).toBe(10);
      const slowest = result.traces?.slowest ?? [];
      expect(slowest).toHaveLength(5);
      for (const trace of slowest) {
        expect(ids).toContain(trace.traceId);
        expect(['login', 'create', 'settled']).toContain(trace.step);
      }
      expect(slowest.map((t) => t.ms)).toEqual([...slowest.map((t) => t.ms)].sort((a, b) => b - a));
    } finally {
      await api.close();
    }
  });

  it('keep a failed step’s id with the step and its class', async () => {
    const api = await paymentApi({ omitId: true });
    try {
      const result = await runProbeLocally(
        flowFor(api.url, {
          steps: [
            { name: 'login', request: { method: 'POST', url: '/login', body: { user: 'u' } } },
            { name: 'missing', request: { url: '/nowhere' }, assert: { status: 200 } },
          ],
          load: { kind: 'latency', requests: 1, interval: 0 },
        }),
      );

      const last = JSON.parse(/^\S+ \S+ (\{.*?\}) /.exec(api.seen().at(-1)!)![1]!).traceparent as string;
      expect(result.traces?.failed).toEqual([
        { traceId: TRACEPARENT.exec(last)![1], errorClass: 'http_4xx', step: 'missing' },
      ]);
      expect(result.traces?.slowest.map((t) => t.step)).toEqual(['login']);
    } finally {
      await api.close();
    }
  });
});
