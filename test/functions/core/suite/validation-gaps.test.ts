import { describe, expect, it } from 'vitest';
import { MAX_BODY_DEPTH } from '../../../../functions/core/suite/json-body.ts';
import { resolveProbe } from '../../../../functions/core/suite/resolve-probe.ts';
import { validateSuite } from '../../../../functions/core/suite/validate-suite.ts';
import { problemsOf, suiteWith } from './suite-fixtures.ts';

describe('request timeouts', () => {
  it('refuses a timeout below 1 ms or of a fraction of a millisecond, at its path', () => {
    expect(
      problemsOf(
        suiteWith([
          { id: 'a', request: { url: '/', timeout: '0.5ms' } },
          { id: 'b', request: { url: '/', timeout: 1.5 } },
        ]),
      ),
    ).toEqual([
      'probes[0].request.timeout: expected a timeout of whole milliseconds, at least 1ms, got "0.5ms"',
      'probes[1].request.timeout: expected a timeout of whole milliseconds, at least 1ms, got "1.5ms"',
    ]);
    expect(
      problemsOf(suiteWith([{ id: 'a', request: { url: '/' } }], { defaults: { timeout: 0.9 } })),
    ).toEqual(['defaults.timeout: expected a timeout of whole milliseconds, at least 1ms, got "0.9ms"']);
  });

  it('accepts 1 ms and a fraction of a second that is whole milliseconds', () => {
    const suite = validateSuite(
      suiteWith([
        { id: 'a', request: { url: '/', timeout: '1ms' } },
        { id: 'b', request: { url: '/', timeout: '1.5s' } },
      ]),
    );
    expect(suite.probes.map((p) => p.request?.timeout)).toEqual([1, 1_500]);
  });
});

describe('JSON request bodies', () => {
  it('refuses a BigInt and a cycle at their paths, in a request and in a flow step', () => {
    const cyclic: Record<string, unknown> = { a: [1, { b: 2 }] };
    (cyclic.a as unknown[]).push(cyclic);
    expect(
      problemsOf(
        suiteWith([
          { id: 'a', request: { method: 'POST', url: '/', body: { amount: { cents: 12n } } } },
          { id: 'b', request: { method: 'POST', url: '/', body: cyclic } },
          { id: 'c', steps: [{ name: 's', request: { method: 'POST', url: '/', body: [1n] } }] },
        ]),
      ),
    ).toEqual([
      'probes[0].request.body.amount.cents: expected a JSON value, got the BigInt 12n (JSON has no BigInt: write it as a string or a number)',
      'probes[1].request.body.a[2]: expected a JSON value, got a reference back to body itself, which contains it (a cycle)',
      'probes[2].steps[0].request.body[0]: expected a JSON value, got the BigInt 1n (JSON has no BigInt: write it as a string or a number)',
    ]);
  });

  it('accepts the same object twice (not a cycle), a Date and a body 1,000 levels deep', () => {
    const shared = { currency: 'EUR' };
    let deep: unknown = 'leaf';
    for (let i = 0; i < MAX_BODY_DEPTH - 1; i++) deep = [deep];
    const suite = validateSuite(
      suiteWith([
        {
          id: 'a',
          request: { method: 'POST', url: '/', body: { from: shared, to: shared, at: new Date(0), deep } },
        },
      ]),
    );
    expect(suite.probes[0]?.request?.body).toMatchObject({
      from: { currency: 'EUR' },
      to: { currency: 'EUR' },
    });
  });

  it('refuses a body nested deeper than 1,000 levels, where JSON.stringify would overflow', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 20_000; i++) deep = [deep];
    const [problem] = problemsOf(suiteWith([{ id: 'a', request: { method: 'POST', url: '/', body: deep } }]));
    expect(problem).toBe(
      'probes[0].request.body: expected a body nested at most 1000 levels deep, got more (JSON.stringify would overflow)',
    );
  });
});

describe('variables named like Object.prototype members', () => {
  it('fills ${constructor}, ${toString} and ${hasOwnProperty} from the environment, in a request and a flow', () => {
    const suite = validateSuite(
      suiteWith(
        [
          { id: 'a', request: { url: '/${constructor}/${toString}?h=${hasOwnProperty}' } },
          { id: 'b', steps: [{ name: 's', request: { url: '/${constructor}' } }] },
        ],
        {
          environments: {
            prod: {
              baseUrl: 'https://api.example.com',
              variables: { constructor: 'c', toString: 't', hasOwnProperty: '${constructor}h' },
            },
          },
        },
      ),
    );
    const [a, b] = suite.probes.map((p) => resolveProbe(suite, p, 'prod'));
    expect(a?.request.url).toBe('https://api.example.com/c/t?h=ch');
    expect(b?.steps?.[0]?.request.url).toBe('https://api.example.com/c');
  });

  it('still refuses ${constructor} when the environment does not define it', () => {
    expect(problemsOf(suiteWith([{ id: 'a', request: { url: '/${constructor}' } }]))).toEqual([
      'probes[0].request.url: unknown variable ${constructor} in environment "prod" (defined: baseUrl)',
    ]);
    expect(
      problemsOf(suiteWith([{ id: 'b', steps: [{ name: 's', request: { url: '/${valueOf}' } }] }]))[0],
    ).toMatch(/^probes\[0\]\.steps\[0\]\.request\.url: unknown name \$\{valueOf\}/);
  });
});

describe('durations in days', () => {
  it('accepts alert.interval "1d" where "24h" was needed, and still refuses a unit it does not know', () => {
    const suite = validateSuite(
      suiteWith([
        { id: 'a', request: { url: '/' }, schedule: 'cron(0 6 * * ? *)', alert: { interval: '1d' } },
      ]),
    );
    expect(suite.probes[0]?.alert?.interval).toBe(86_400_000);
    expect(
      problemsOf(
        suiteWith([
          { id: 'a', request: { url: '/' }, schedule: 'cron(0 6 * * ? *)', alert: { interval: '1w' } },
        ]),
      ),
    ).toEqual([
      'probes[0].alert.interval: expected a duration like "250ms", "2s" or "1m", or milliseconds as a number, got "1w"',
    ]);
  });
});
