import { afterEach, describe, expect, it } from 'vitest';
import { runProbeLocally } from '../../../../functions/local/run-probe.ts';
import { flowFor, type PaymentApi, paymentApi, paymentFlowSteps } from '../../../helpers/payment-api.ts';
import { probeFor } from '../../../helpers/probes.ts';
import { httpServer } from '../../../helpers/servers.ts';

let api: PaymentApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const start = async (options: Parameters<typeof paymentApi>[0] = {}) => {
  api = await paymentApi(options);
  return api;
};

describe('a payment flow under the latency load kind', () => {
  it('runs 3 iterations: 3 logins, 3 distinct payments, each settled after its pending polls', async () => {
    const target = await start({ pendingPolls: 3 });

    const result = await runProbeLocally(
      flowFor(target.url, {
        load: { kind: 'latency', requests: 3, interval: '10ms' },
        sla: { errorRate: 0, steps: { settled: { errorRate: 0 } } },
      }),
    );

    expect(target.logins()).toBe(3);
    expect(target.payments()).toBe(3);
    expect(target.badTokens()).toBe(0);
    expect(result.requests).toEqual({ total: 3, ok: 3, failed: 0 });
    expect(result.steps?.map((s) => [s.name, s.requests.total, s.requests.ok, s.polls])).toEqual([
      ['login', 3, 3, undefined],
      ['create', 3, 3, undefined],
      ['settled', 3, 3, 12],
    ]);
    expect(result.sla.passed).toBe(true);
  });

  it("times the until step from its first send to the settling response: at least its polls' waits", async () => {
    const target = await start({ pendingPolls: 4 });

    const result = await runProbeLocally(
      flowFor(target.url, {
        steps: paymentFlowSteps('25ms'),
        load: { kind: 'latency', requests: 2, interval: 0 },
      }),
    );

    const settled = result.steps?.find((s) => s.name === 'settled');
    // Four "pending" answers, each followed by a 25 ms wait, come before the one that settles.
    expect(settled?.latencyMs.min).toBeGreaterThanOrEqual(100);
    expect(settled?.polls).toBe(10);
    // The flow's end-to-end latency holds every step.
    expect(result.latencyMs.min).toBeGreaterThanOrEqual(settled!.latencyMs.min);
  });

  it('fails an iteration at a capture that finds nothing, as class capture, and runs no later step', async () => {
    const target = await start({ omitId: true });

    const result = await runProbeLocally(
      flowFor(target.url, { load: { kind: 'latency', requests: 2, interval: 0 } }),
    );

    expect(result.errors).toEqual({ capture: 2 });
    expect(result.sampleErrors).toEqual(['step "create": capture: paymentId: $.id not found']);
    expect(result.steps?.map((s) => [s.name, s.requests])).toEqual([
      ['login', { total: 2, ok: 2, failed: 0 }],
      ['create', { total: 2, ok: 0, failed: 2 }],
      ['settled', { total: 0, ok: 0, failed: 0 }],
    ]);
    expect(result.sla.passed).toBe(false);
  });

  it('fails an until step that never holds as timeout_until, its polls counted', async () => {
    const target = await start({ pendingPolls: 1_000 });
    const steps = paymentFlowSteps();
    steps[2] = { ...steps[2]!, until: { json: { '$.status': 'settled' }, every: '20ms', timeout: '200ms' } };

    const result = await runProbeLocally(
      flowFor(target.url, { steps, load: { kind: 'latency', requests: 1 } }),
    );

    expect(result.errors).toEqual({ timeout_until: 1 });
    expect(result.sampleErrors[0]).toMatch(
      /^step "settled": timeout_until: still \$\.status is not "settled" after \d+ polls within 200 ms$/,
    );
    const settled = result.steps?.find((s) => s.name === 'settled');
    expect(settled?.errors).toEqual({ timeout_until: 1 });
    expect(settled?.polls).toBeGreaterThan(1);
    expect(result.latencyMs.max).toBe(0);
  });

  it('fails a step whose assertion fails with that class, and judges per-step SLAs on the step', async () => {
    const target = await start();
    const steps = paymentFlowSteps();
    steps[1] = { ...steps[1]!, assert: { status: 200 } };

    const result = await runProbeLocally(
      flowFor(target.url, {
        steps,
        load: { kind: 'latency', requests: 1 },
        sla: { errorRate: 1, steps: { create: { errorRate: 0 }, login: { p99: 60_000 } } },
      }),
    );

    expect(result.errors).toEqual({ assertion: 1 });
    const checks = result.sla.checks.map((c) => [c.name, c.metric, c.observed, c.passed]);
    expect(checks).toEqual([
      ['errorRate', 'errorRate', 1, true],
      ['steps.create.errorRate', 'steps.create.errorRate', 1, false],
      ['steps.login.p99', 'steps.login.latency.p99', expect.any(Number), true],
    ]);
    expect(result.sla.verdict).toBe('breach');
  });

  it('sends fresh built-ins per use and picks from a list variable', async () => {
    const target = await start();
    const steps = paymentFlowSteps();
    steps[0] = {
      ...steps[0]!,
      request: {
        method: 'POST',
        url: '/login',
        body: { user: '${pick(users)}', at: '${nowMs}', n: '${randomInt(1,3)}', when: '${now}' },
      },
    };

    await runProbeLocally(
      flowFor(
        target.url,
        { steps, load: { kind: 'latency', requests: 4, interval: 0 } },
        { users: ['u1', 'u2'] },
      ),
    );

    const logins = target
      .seen()
      .filter((line) => line.startsWith('POST /login '))
      .map((line) => JSON.parse(line.slice(line.lastIndexOf(' {') + 1)));
    expect(logins).toHaveLength(4);
    for (const body of logins) {
      expect(['u1', 'u2']).toContain(body.user);
      expect(['1', '2', '3']).toContain(body.n);
      expect(Number(body.at)).toBeGreaterThan(1.7e12);
      expect(new Date(body.when).toISOString()).toBe(body.when);
    }
    const keys = target
      .seen()
      .filter((line) => line.startsWith('POST /payments '))
      .map((line) => /"idempotency-key":"([^"]+)"/.exec(line)?.[1]);
    expect(new Set(keys).size).toBe(4);
  });
});

describe('a flow whose capture regex runs on the worker thread', () => {
  it('ends an iteration waiting for its regex as aborted when the run is interrupted', async () => {
    const interrupt = new AbortController();
    // Answers, then interrupts the run while the overrunning regex (250 ms bound) holds the iteration.
    const target = await httpServer((_, res) => {
      res.end(`${'a'.repeat(30)}!`);
      setTimeout(() => interrupt.abort(), 20);
    });
    const request = (url: string) => ({ url, timeout: '2s' });

    try {
      const result = await runProbeLocally(
        probeFor(target.url, {
          request: undefined,
          steps: [
            // A backreference keeps V8 in its backtracking engine: 2^30 paths, far past the bound.
            { name: 'get', request: request('/'), capture: { v: { regex: '^(a+)+\\1$' } } },
            { name: 'use', request: request('/${v}') },
          ],
          load: { kind: 'latency', requests: 1 },
        }),
        { signal: interrupt.signal },
      );

      expect(result.errors).toEqual({ aborted: 1 });
      expect(result.sampleErrors).toEqual(['step "get": aborted: the run was interrupted during the flow']);
    } finally {
      await target.close();
    }
  });
});
