import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDurationMs } from '../../../../functions/core/durations.ts';
import { resolveProbe } from '../../../../functions/core/suite/resolve-probe.ts';
import { SuiteValidationError, validateSuite } from '../../../../functions/core/suite/validate-suite.ts';
import { problemsOf } from './suite-fixtures.ts';

const env = { local: { baseUrl: 'http://127.0.0.1:8080' } };
const ok = { id: 'ok', request: { url: '/health' } };

describe('validateSuite', () => {
  it('accepts a complete suite and fills defaults', () => {
    const suite = validateSuite({
      name: 'payments',
      environments: {
        prod: { baseUrl: 'https://api.example.com', variables: { token: { secret: 'env:TOKEN' } } },
      },
      probes: [
        {
          id: 'login',
          request: { method: 'post', url: '/login', body: { user: 'a' }, timeout: '2s' },
          schedule: { expression: 'cron(0/15 * * * ? *)', timezone: 'Europe/Paris' },
          load: {
            kind: 'rate',
            from: 0,
            stages: [
              { to: 50, over: '1m' },
              { to: 50, over: '2m' },
            ],
            connections: 20,
          },
          assert: {
            status: '2xx',
            headers: { 'content-type': { contains: 'json' } },
            json: { '$.token': { exists: true } },
          },
          sla: { p95: { warn: 200, critical: '500ms' }, 'p99.9': 900, errorRate: '1%', minThroughput: 10 },
        },
      ],
    });

    const probe = suite.probes[0]!;
    expect(probe.request?.method).toBe('POST');
    expect(probe.request?.timeout).toBe(2_000);
    expect(probe.sla).toEqual({
      p95: { warn: 200, critical: 500 },
      'p99.9': { critical: 900 },
      errorRate: { critical: 0.01 },
      minThroughput: { critical: 10 },
    });
    expect(suite.environments.prod?.caps).toEqual({ maxRate: 100, maxConnections: 50, maxDuration: 300_000 });
  });

  it('names the path, what was expected and what it got for every problem at once', () => {
    const problems = problemsOf({
      name: 'demo',
      environments: { local: { baseUrl: 'http://127.0.0.1:8080', caps: { maxRate: 10 } } },
      probes: [
        ok,
        { id: 'b', request: { url: '/b' } },
        { id: 'c', request: { url: '/c' }, sla: { p99: 'fast' } },
        { id: 'd', request: { url: '/d', method: 'FETCH' }, load: { kind: 'bust' } },
        { id: 'e', request: { url: '/e' }, schedule: 'rate(1 minutes)', extra: true },
      ],
    });

    expect(problems).toEqual([
      'probes[2].sla.p99: expected milliseconds as a number, got "fast"',
      'probes[3].request.method: expected one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, got "FETCH"',
      'probes[3].load.kind: expected kind to be "latency", "burst" or "rate", got "bust"',
      'probes[4].schedule: expected "rate(1 minute)" (singular for 1), got "rate(1 minutes)"',
      'probes[4].extra: unknown field',
    ]);
  });

  it('reports cross-field problems: duplicate ids, unknown variables and environment caps', () => {
    const problems = problemsOf({
      name: 'demo',
      environments: {
        prod: { baseUrl: 'https://api.example.com', caps: { maxRate: 50, maxConnections: 10 } },
      },
      probes: [
        { id: 'a', request: { url: '${baseUrl}/x', headers: { authorization: 'Bearer ${token}' } } },
        { id: 'a', request: { url: '/y' }, load: { kind: 'rate', rate: 80, duration: '10s' } },
        { id: 'b', request: { url: '/z' }, load: { kind: 'burst', connections: 11, duration: '10m' } },
      ],
    });

    expect(problems).toEqual([
      'probes[0].request.headers.authorization: unknown variable ${token} in environment "prod" (defined: baseUrl)',
      'probes[1].id: duplicate id "a" (also probes[0])',
      'probes[1].load.rate: 80 requests/s exceeds the cap of environment "prod" (caps.maxRate 50)',
      'probes[2].load.connections: 11 connections exceed the cap of environment "prod" (caps.maxConnections 10)',
      'probes[2].load.duration: 10m exceeds the cap of environment "prod" (caps.maxDuration 5m)',
    ]);
  });

  it.each([
    [
      { kind: 'burst', connections: 5 },
      'probes[0].load.duration: expected exactly one of duration ("30s") or requests (a count), got neither',
    ],
    [
      { kind: 'rate', rate: 10 },
      'probes[0].load.duration: expected a duration like "60s" for a constant rate, got nothing',
    ],
    [
      { kind: 'rate', rate: 10, duration: '1s', stages: [{ to: 1, over: '1s' }] },
      'probes[0].load.rate: expected either rate and duration (constant) or stages (ramping), got both',
    ],
    [
      { kind: 'burst', connections: 1.5, duration: '1s' },
      'probes[0].load.connections: expected a whole number of connections between 1 and 5000, got 1.5',
    ],
  ])('rejects the load %j', (load, message) => {
    expect(problemsOf({ name: 's', environments: env, probes: [{ ...ok, load }] })).toEqual([message]);
  });

  it('rejects a suite with no probes and no environments', () => {
    expect(problemsOf({ name: 's', environments: {}, probes: [] })).toEqual([
      'environments: expected at least one environment',
      'probes: expected at least one probe',
    ]);
  });

  it('never throws anything but a SuiteValidationError, whatever the input', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        try {
          validateSuite({ name: 's', environments: env, probes: [{ ...ok, sla: { p99: input } }] });
        } catch (error) {
          return (
            error instanceof SuiteValidationError &&
            error.problems.every((p) => p.path.startsWith('probes[0]'))
          );
        }
        return true;
      }),
    );
  });
});

describe('validateSuite on arbitrary input in every field it checks', () => {
  const field = fc.oneof(
    fc.anything(),
    fc.string(),
    fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.record({ secret: fc.string() }))),
  );

  it('answers with a SuiteValidationError or a suite, never a crash', () => {
    fc.assert(
      fc.property(
        field,
        field,
        field,
        field,
        field,
        field,
        (variables, headers, schedule, load, shards, url) => {
          try {
            validateSuite({
              name: 's',
              environments: { prod: { baseUrl: 'https://api.example.com', variables } },
              defaults: { headers },
              probes: [{ id: 'p', request: { url, headers }, schedule, load, shards }],
            });
          } catch (error) {
            return error instanceof SuiteValidationError && error.problems.length > 0;
          }
          return true;
        },
      ),
      { numRuns: 300 },
    );
  });

  it('resolves variables that reference each other at random completely, or names the problem', () => {
    const names = ['a', 'b', 'c', 'd'];
    const text = fc
      .array(fc.oneof(fc.constantFrom(...names.map((n) => `\${${n}}`), '${zz}'), fc.constantFrom('x', '/')), {
        maxLength: 4,
      })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names), text), text, (variables, url) => {
        let suite: ReturnType<typeof validateSuite>;
        try {
          suite = validateSuite({
            name: 's',
            environments: { prod: { baseUrl: 'https://api.example.com', variables } },
            probes: [{ id: 'p', request: { url: `/${url}` } }],
          });
        } catch (error) {
          return error instanceof SuiteValidationError;
        }
        // Valid: nothing is left for the target to receive literally.
        return !resolveProbe(suite, suite.probes[0]!, 'prod').request.url.includes('${');
      }),
    );
  });
});

describe('parseDurationMs', () => {
  it('reads every unit and treats plain numbers as milliseconds', () => {
    expect(['250ms', '2s', '1.5m', '1h', '1d', 42].map((v) => parseDurationMs(v))).toEqual([
      250, 2_000, 90_000, 3_600_000, 86_400_000, 42,
    ]);
  });

  it('round-trips any whole number of seconds', () => {
    fc.assert(fc.property(fc.nat(100_000), (n) => parseDurationMs(`${n}s`) === n * 1000));
  });

  it('rejects text that is not a duration', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const parsed = parseDurationMs(text);
        return parsed === undefined || /^\s*\d+(\.\d+)?\s*(ms|s|m|h|d)\s*$/.test(text);
      }),
    );
  });
});

describe('secret references and deploy settings', () => {
  const base = (env: Record<string, unknown>, probe: Record<string, unknown> = {}) => ({
    name: 's',
    environments: { prod: { baseUrl: 'https://api.example.com', ...env } },
    probes: [{ id: 'p', request: { url: '/' }, ...probe }],
  });

  it('names a secret reference it cannot resolve anywhere', () => {
    expect(problemsOf(base({ variables: { token: { secret: 'vault:kv/token' } } }))).toEqual([
      'environments.prod.variables.token.secret: expected a secret reference like "env:API_TOKEN", "ssm:/payments/prod/token", "secretsmanager:payments/prod#token" or, under a customer-managed key, "ssm:/payments/prod/token#kms=alias/payments", got "vault:kv/token"',
    ]);
  });

  it('checks alert settings and notify addresses', () => {
    expect(
      problemsOf(
        base(
          { notify: { email: ['not-an-address'] } },
          { alert: { breachedRuns: { atLeast: 4, of: 3 }, latency: { p99: 'fast' } } },
        ),
      ),
    ).toEqual([
      'environments.prod.notify.email[0]: expected an email address, got "not-an-address"',
      'probes[0].alert.breachedRuns.atLeast: expected atLeast to be at most of',
      'probes[0].alert.latency.p99: expected a duration like "250ms", "2s" or "1m", or milliseconds as a number, got "fast"',
    ]);
  });

  it('points a built-in used outside a flow to a one-step flow', () => {
    expect(
      problemsOf({
        name: 's',
        environments: env,
        probes: [{ id: 'pay', request: { url: '/pay', headers: { 'idempotency-key': '${uuid}' } } }],
      }),
    ).toEqual([
      'probes[0].request.headers.idempotency-key: unknown variable ${uuid} in environment "local" (defined: baseUrl); ${uuid} is a built-in of flow steps, fresh per use: write the probe as a one-step flow (steps: [{ name, request }])',
    ]);
  });
});
