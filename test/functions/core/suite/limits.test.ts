import { describe, expect, it } from 'vitest';
import { defaultRateConnections, HARD_LIMITS } from '../../../../functions/core/suite/limits.ts';
import { resolveProbe } from '../../../../functions/core/suite/resolve-probe.ts';
import { validateSuite } from '../../../../functions/core/suite/validate-suite.ts';
import { problemsOf, suiteWith } from './suite-fixtures.ts';

const withProbe = (probe: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  suiteWith([{ id: 'p', request: { url: '/' }, ...probe }], extra);

/** Generous caps, so only the hard limits are in the way. */
const wideOpen = {
  environments: {
    prod: {
      baseUrl: 'https://api.example.com',
      caps: { maxRate: 50_000, maxConnections: 5_000, maxDuration: '1h' },
    },
  },
};

function resolved(probe: Record<string, unknown>, extra: Record<string, unknown> = wideOpen) {
  const suite = validateSuite(withProbe(probe, extra));
  return resolveProbe(suite, suite.probes[0]!, 'prod');
}

describe('timeouts', () => {
  it.each([
    [0, 'expected a duration above 0, got 0'],
    ['0s', 'expected a duration above 0, got "0s"'],
    ['10m', 'expected at most 2m (the hard limit of a request timeout), got "10m"'],
    ['3h', 'expected at most 2m (the hard limit of a request timeout), got "3h"'],
    [120_001, 'expected at most 2m (the hard limit of a request timeout), got 120001'],
    [-5, 'expected a duration like "250ms", "2s" or "1m", or milliseconds as a number, got -5'],
  ])('refuses a request timeout of %j', (timeout, message) => {
    expect(problemsOf(withProbe({ request: { url: '/', timeout } }))).toEqual([
      `probes[0].request.timeout: ${message}`,
    ]);
  });

  it('refuses a default timeout beyond the hard limit', () => {
    expect(problemsOf(withProbe({}, { defaults: { timeout: '10m' } }))).toEqual([
      'defaults.timeout: expected at most 2m (the hard limit of a request timeout), got "10m"',
    ]);
  });

  it('accepts exactly the hard limit', () => {
    expect(resolved({ request: { url: '/', timeout: '2m' } }).request.timeoutMs).toBe(HARD_LIMITS.timeoutMs);
  });
});

describe('durations and sizes of a load', () => {
  it.each([
    [
      'a 10 h burst',
      { kind: 'burst', connections: 10, duration: '10h' },
      'probes[0].load.duration: expected at most 1h (the hard limit of a run), got "10h"',
    ],
    [
      'a burst of 0 s',
      { kind: 'burst', connections: 10, duration: '0s' },
      'probes[0].load.duration: expected a duration above 0, got "0s"',
    ],
    [
      'a burst of more than 10 M requests',
      { kind: 'burst', connections: 10, requests: 10_000_001 },
      'probes[0].load.requests: expected a whole number of requests between 1 and 10000000, got 10000001',
    ],
    [
      '50,000/s for 1,000 h',
      { kind: 'rate', rate: 50_000, duration: '1000h' },
      'probes[0].load.duration: expected at most 1h (the hard limit of a run), got "1000h"',
    ],
    [
      'a rate of 0 s',
      { kind: 'rate', rate: 10, duration: 0 },
      'probes[0].load.duration: expected a duration above 0, got 0',
    ],
    [
      '50,000/s for an hour: 180 M requests',
      { kind: 'rate', rate: 50_000, duration: '1h' },
      'probes[0].load.rate: expected at most 10,000,000 requests in a run (the hard limit), got 180,000,000 planned arrivals',
    ],
    [
      'a ramp to 50,000/s and back over an hour',
      {
        kind: 'rate',
        stages: [
          { to: 50_000, over: '30m' },
          { to: 0, over: '30m' },
        ],
      },
      'probes[0].load.stages: expected at most 10,000,000 requests in a run (the hard limit), got 90,000,000 planned arrivals',
    ],
    [
      'stages longer than an hour in all',
      {
        kind: 'rate',
        stages: [
          { to: 1, over: '40m' },
          { to: 1, over: '40m' },
        ],
      },
      'probes[0].load.stages: expected stages lasting at most 1h in all (the hard limit of a run), got 80m',
    ],
    [
      'a stage of 0 s',
      { kind: 'rate', stages: [{ to: 10, over: 0 }] },
      'probes[0].load.stages[0].over: expected a duration above 0, got 0',
    ],
    [
      'a rate that plans no arrival',
      { kind: 'rate', rate: 0.5, duration: '1s' },
      'probes[0].load.rate: expected a load that plans at least one arrival, got none (the rate × duration is below 1)',
    ],
    [
      'a start rate beyond the hard limit',
      { kind: 'rate', from: 60_000, stages: [{ to: 1, over: '1s' }] },
      'probes[0].load.from: expected a start rate in requests per second between 0 and 50000, got 60000',
    ],
    [
      'a rate beyond the hard limit',
      { kind: 'rate', rate: 50_001, duration: '1s' },
      'probes[0].load.rate: expected a positive number of requests per second, at most 50000, got 50001',
    ],
    [
      'more connections than the hard limit',
      { kind: 'burst', connections: 5_001, duration: '1s' },
      'probes[0].load.connections: expected a whole number of connections between 1 and 5000, got 5001',
    ],
    [
      'a latency check spanning more than an hour',
      { kind: 'latency', requests: 100, interval: '1m' },
      'probes[0].load.interval: expected requests × interval of at most 1h (the hard limit of a run), got 100 × 1m = 100m',
    ],
  ])('refuses %s', (_, load, message) => {
    expect(problemsOf(withProbe({ load }, wideOpen))).toEqual([message]);
  });

  it('accepts the largest rate load the limits allow: 10 M arrivals within an hour', () => {
    const probe = resolved({ load: { kind: 'rate', rate: 5_000, duration: '2000s' } });

    expect(probe.load.kind).toBe('rate');
  });
});

describe('caps', () => {
  it('holds caps to the hard limits too', () => {
    expect(
      problemsOf(
        withProbe(
          {},
          {
            environments: {
              prod: {
                baseUrl: 'https://api.example.com',
                caps: { maxRate: 60_000, maxConnections: 0, maxDuration: '2h' },
              },
            },
          },
        ),
      ),
    ).toEqual([
      'environments.prod.caps.maxRate: expected a positive number of requests per second, at most 50000, got 60000',
      'environments.prod.caps.maxConnections: expected a whole number of connections between 1 and 5000, got 0',
      'environments.prod.caps.maxDuration: expected at most 1h (the hard limit of a run), got "2h"',
    ]);
  });
});

describe('SLA and alert durations', () => {
  it('refuses a latency threshold or alert of 0', () => {
    expect(
      problemsOf(withProbe({ sla: { p99: 0 }, alert: { interval: '0s', latency: { p95: 0 } } })),
    ).toEqual([
      'probes[0].sla.p99: expected a duration above 0, got 0',
      'probes[0].alert.interval: expected a duration above 0, got "0s"',
      'probes[0].alert.latency.p95: expected a duration above 0, got 0',
    ]);
  });
});

describe('the rate pool and connections', () => {
  it.each([
    [50, 50, 10],
    [300, 50, 30],
    [1_000, 500, 100],
    [1_000, 50, 50],
    [5, 4, 4],
  ])(
    'opens ceil(peak / 10) connections, at least 10, within the cap: %i/s, cap %i → %i',
    (peak, cap, expected) => {
      expect(defaultRateConnections(peak, cap)).toBe(expected);
    },
  );

  it('sizes a rate probe without connections from its peak rate, not its timeout', () => {
    const probe = resolved({
      request: { url: '/', timeout: '10s' },
      load: {
        kind: 'rate',
        from: 0,
        stages: [
          { to: 300, over: '10s' },
          { to: 100, over: '10s' },
        ],
      },
    });

    expect(probe.load).toMatchObject({ kind: 'rate', connections: 30 });
  });

  it('gives each shard the probe asks for a connection of its own when the pool is the default', () => {
    const probe = resolved({ load: { kind: 'rate', rate: 100, duration: '60s' }, shards: 50 });

    expect(probe.load).toMatchObject({ connections: 50 });
    expect(probe.shards).toBe(50);
  });

  it('lets explicit connections win', () => {
    expect(
      resolved({ load: { kind: 'rate', rate: 300, duration: '3s', connections: 7 } }).load,
    ).toMatchObject({
      connections: 7,
    });
  });

  it.each([
    [{ kind: 'latency' }, 'fresh'],
    [{ kind: 'burst', connections: 2, duration: '1s' }, 'reuse'],
    [{ kind: 'rate', rate: 10, duration: '1s' }, 'reuse'],
  ])('defaults request.connection for %j to %s', (load, connection) => {
    expect(resolved({ load }).request.connection).toBe(connection);
  });

  it('takes request.connection from the probe, then the defaults', () => {
    expect(resolved({ request: { url: '/', connection: 'reuse' } }).request.connection).toBe('reuse');
    expect(
      resolved(
        { load: { kind: 'rate', rate: 10, duration: '1s' } },
        { ...wideOpen, defaults: { connection: 'fresh' } },
      ).request.connection,
    ).toBe('fresh');
  });

  it('refuses any other connection mode', () => {
    expect(problemsOf(withProbe({ request: { url: '/', connection: 'keep-alive' } }))).toEqual([
      'probes[0].request.connection: expected "fresh" (a new connection per request) or "reuse" (keep-alive), got "keep-alive"',
    ]);
  });
});

describe('shards', () => {
  it('refuses more shards than the load can carry, per environment', () => {
    expect(
      problemsOf(withProbe({ load: { kind: 'burst', connections: 4, duration: '1s' }, shards: 8 })),
    ).toEqual([
      'probes[0].shards: expected at most 4 shards in environment "prod" (each needs at least one arrival or request and one connection of the load), got 8',
    ]);
  });

  it('never defaults to more shards than a rate load has connections', () => {
    const probe = resolved({ load: { kind: 'rate', rate: 10_000, duration: '1s', connections: 3 } });

    expect(probe.shards).toBe(3);
  });
});
