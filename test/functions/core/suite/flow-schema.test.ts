import { describe, expect, it } from 'vitest';
import { workerBudgetMs } from '../../../../functions/core/cloud/run-sizing.ts';
import { unitTimeoutMs } from '../../../../functions/core/plan.ts';
import { resolveProbe } from '../../../../functions/core/suite/resolve-probe.ts';
import { validateSuite } from '../../../../functions/core/suite/validate-suite.ts';
import { paymentFlowSteps } from '../../../helpers/payment-api.ts';
import { problemsOf, suiteWith } from './suite-fixtures.ts';

/** The payment flow, as written there. */
const paymentFlow = {
  id: 'payment-flow',
  // As the issue writes it: polled every 250 ms for up to 30 s.
  steps: paymentFlowSteps('250ms', '30s'),
  load: { kind: 'latency', requests: 3, interval: '1s' },
  sla: { p95: 2000, errorRate: 0, steps: { settled: { p95: 1500 } } },
};

const withSteps = (steps: unknown[], extra: Record<string, unknown> = {}) =>
  suiteWith([{ id: 'f', steps, ...extra }]);
const get = (name: string, url: string, extra: Record<string, unknown> = {}) => ({
  name,
  request: { url },
  ...extra,
});

describe('flow probes in the suite schema', () => {
  it("accepts the issue's payment flow and flattens per-step SLAs to steps.<name>.<key>", () => {
    const suite = validateSuite(suiteWith([paymentFlow]));

    const probe = suite.probes[0]!;
    expect(probe.request).toBeUndefined();
    expect(probe.steps?.map((s) => s.name)).toEqual(['login', 'create', 'settled']);
    expect(probe.steps?.[0]?.capture).toEqual({ token: { json: '$.token', secret: true } });
    expect(probe.steps?.[2]?.until).toMatchObject({ every: 250, timeout: 30_000 });
    expect(probe.sla).toEqual({
      p95: { critical: 2000 },
      errorRate: { critical: 0 },
      'steps.settled.p95': { critical: 1500 },
    });
  });

  it('binds steps to the environment, keeping captures and built-ins for the run', () => {
    const suite = validateSuite(
      suiteWith([paymentFlow], {
        environments: { prod: { baseUrl: 'https://api.example.com', variables: { tenant: 'acme' } } },
      }),
    );

    const resolved = resolveProbe(suite, suite.probes[0]!, 'prod');
    expect(resolved.steps?.[1]?.request).toMatchObject({
      method: 'POST',
      url: 'https://api.example.com/payments',
      headers: { authorization: 'Bearer ${token}', 'idempotency-key': '${uuid}' },
      body: '{"amount":1}',
      bodyIsJson: true,
    });
    expect(resolved.steps?.[2]?.request.url).toBe('https://api.example.com/payments/${paymentId}');
    // The first step stands for the probe wherever one request is asked for (timeouts, descriptions).
    expect(resolved.request.url).toBe('https://api.example.com/login');
  });

  it("plans a flow's unit of load as all its steps' timeouts, an until step's wait included", () => {
    const suite = validateSuite(suiteWith([paymentFlow], { defaults: { timeout: '2s' } }));
    const flow = resolveProbe(suite, suite.probes[0]!, 'prod');
    const single = { ...flow, steps: undefined };

    expect(unitTimeoutMs(flow)).toBe(3 * 2_000 + 30_000);
    expect(unitTimeoutMs(single)).toBe(2_000);
    // 3 paced iterations that may each take 36 s, plus one more for the last: the worker is sized for them.
    expect(workerBudgetMs(flow) - workerBudgetMs(single)).toBe(3 * 34_000 + 34_000);
  });

  it('refuses a probe with both request and steps, or neither', () => {
    expect(problemsOf(suiteWith([{ id: 'a', request: { url: '/' }, steps: [get('x', '/')] }]))).toEqual([
      'probes[0].request: expected exactly one of request (one request) or steps (a flow), got both',
    ]);
    expect(problemsOf(suiteWith([{ id: 'a' }]))).toEqual([
      'probes[0].request: expected exactly one of request (one request) or steps (a flow), got neither',
    ]);
  });

  it('names the path of a bad capture, step name, until and duplicate', () => {
    const problems = problemsOf(
      withSteps([
        get('a', '/', { capture: { token: { json: 'token' } } }),
        get('a', '/', { capture: { token: { header: 'x-id' }, id: { css: 'p' } } }),
        get('c', '/', { capture: { uuid: { regex: '(' } } }),
        get('d', '/', { until: { every: '5s', timeout: '1s' } }),
      ]),
    );

    expect(problems).toEqual([
      'probes[0].steps[0].capture.token.json: expected a JSON path like "$.data.items[0].id", got "token"',
      'probes[0].steps[1].capture.id.css: unknown field',
      'probes[0].steps[2].capture.uuid.regex: expected a regular expression over the body (its first group, else the whole match, is captured), got "(" (Invalid regular expression: /(/: Unterminated group)',
      'probes[0].steps[3].until: expected a condition to wait for (status, headers, json, bodyContains, maxBodyBytes), got none',
      'probes[0].steps[3].until.every: expected every below timeout (1s), got 5s',
    ]);
  });

  it('refuses duplicate step and capture names, built-in names and a probe-level assert', () => {
    const problems = problemsOf(
      withSteps(
        [
          get('a', '/', { capture: { token: { json: '$.t' }, now: { json: '$.n' } } }),
          get('a', '/', { capture: { token: { header: 'x-t' } } }),
        ],
        { assert: { status: 200 } },
      ),
    );

    expect(problems).toEqual([
      'probes[0].assert: expected assertions on each step (steps[i].assert) in a flow, got a probe-level assert',
      'probes[0].steps[0].capture.now: expected a name other than the built-ins (uuid, now, nowMs, randomInt, pick), got "now"',
      'probes[0].steps[1].name: duplicate step name "a" (also steps[0])',
      'probes[0].steps[1].capture.token: expected each capture name once in a flow, got "token" again (also steps[0])',
    ]);
  });

  it('refuses per-step SLAs for an unknown step, an unknown key, or on a single-request probe', () => {
    expect(problemsOf(withSteps([get('a', '/')], { sla: { steps: { b: { p95: 10 } } } }))).toEqual([
      'probes[0].sla.steps.b: unknown step "b" (the flow\'s steps: a)',
    ]);
    expect(problemsOf(withSteps([get('a', '/')], { sla: { steps: { a: { minThroughput: 1 } } } }))).toEqual([
      'probes[0].sla.steps.a.minThroughput: unknown step SLA (expected p50 … p99.9, max, mean or errorRate)',
    ]);
    expect(
      problemsOf(suiteWith([{ id: 'a', request: { url: '/' }, sla: { steps: { a: { p95: 1 } } } }])),
    ).toEqual([
      'probes[0].sla.steps: expected per-step SLAs only on a probe with steps, got a probe with one request',
    ]);
  });

  it('checks every reference of a step: variables, earlier captures and built-ins, per environment', () => {
    const problems = problemsOf(
      suiteWith(
        [
          {
            id: 'f',
            steps: [
              get('a', '/${paymentId}', { capture: { token: { json: '$.t' } } }),
              {
                name: 'b',
                request: {
                  url: '/x/${pick(accounts)}/${pick(nope)}',
                  headers: {
                    authorization: 'Bearer ${token}',
                    'x-n': '${randomInt(5,1)}',
                    'x-m': '${max(1)}',
                  },
                  body: { account: '${accounts}' },
                },
                capture: { paymentId: { json: '$.id' } },
              },
            ],
          },
        ],
        {
          environments: {
            prod: { baseUrl: 'https://api.example.com', variables: { accounts: ['acct-1', 'acct-2'] } },
          },
        },
      ),
    );

    expect(problems).toEqual([
      'probes[0].steps[0].request.url: unknown name ${paymentId} (not a variable, a capture of an earlier step or a built-in: uuid, now, nowMs, randomInt(a,b), pick(list)) in environment "prod"',
      'probes[0].steps[1].request.url: expected ${pick(name)} over a list variable of the environment (accounts), got ${pick(nope)} in environment "prod"',
      'probes[0].steps[1].request.headers.x-n: expected ${randomInt(a,b)} with whole numbers a ≤ b, got ${randomInt(5,1)} in environment "prod"',
      'probes[0].steps[1].request.headers.x-m: unknown built-in ${max(1)} (expected randomInt(a,b) or pick(list)) in environment "prod"',
      'probes[0].steps[1].request.body: expected a single value for ${accounts}, got a list (use ${pick(accounts)}) in environment "prod"',
    ]);
  });

  it('refuses a capture named like a variable of an environment (the variable would win)', () => {
    const suite = suiteWith([paymentFlow], {
      environments: { prod: { baseUrl: 'https://x.example', variables: { token: 'static' } } },
    });

    expect(problemsOf(suite)).toEqual([
      'probes[0].steps[0].capture.token: expected a capture name that is not a variable of environment "prod", got "token"',
    ]);
  });

  it('accepts rateLimit on a one-request probe, as one shard, and refuses it on a flow or over shards', () => {
    const limited = { id: 'l', request: { url: '/fx' }, rateLimit: { limit: 20, window: '1s' } };
    const suite = validateSuite(
      suiteWith([{ ...limited, load: { kind: 'rate', rate: 1_000, duration: '1s' } }], {
        environments: { prod: { baseUrl: 'https://x.example', caps: { maxRate: 1_000 } } },
      }),
    );
    const resolved = resolveProbe(suite, suite.probes[0]!, 'prod');

    expect(resolved.rateLimit).toEqual({ limit: 20, windowMs: 1_000 });
    // 1,000/s would get two shards by default; a limiter is judged on all of its requests in one.
    expect(resolved.shards).toBe(1);
    // The worker's deadline leaves room to wait out the longest sane Retry-After and send one more request.
    const unlimited = { ...resolved, rateLimit: undefined };
    expect(workerBudgetMs(resolved) - workerBudgetMs(unlimited)).toBe(60_000 + 10_000);
    expect(problemsOf(suiteWith([{ ...limited, shards: 2 }]))).toEqual([
      'probes[0].shards: expected 1 shard with rateLimit (a limiter is judged on every request it saw, in order), got 2',
    ]);
    expect(problemsOf(withSteps([get('a', '/')], { rateLimit: { limit: 0, window: '1s' } }))).toEqual([
      'probes[0].rateLimit.limit: expected a whole number of requests between 1 and 10000000, got 0',
    ]);
    expect(problemsOf(withSteps([get('a', '/')], { rateLimit: { limit: 5, window: '1s' } }))).toEqual([
      'probes[0].rateLimit: expected rateLimit on a probe with one request (its limiter is judged per request), got a flow',
    ]);
  });

  it('refuses a list variable used as a single value by another variable', () => {
    expect(
      problemsOf(
        suiteWith([{ id: 'a', request: { url: '/' } }], {
          environments: {
            prod: { baseUrl: 'https://x.example', variables: { ids: ['1'], path: '/${ids}' } },
          },
        }),
      ),
    ).toEqual([
      "environments.prod.variables.path: expected a single value for ${ids}, got a list (use ${pick(ids)} in a flow's step)",
    ]);
  });
});
