import { describe, expect, it } from 'vitest';
import { ArrivalSchedule } from '../../../functions/core/pacing.ts';
import {
  intendedRps,
  maxShards,
  type ResolvedLoad,
  shardLoads,
  UnshardableLoadError,
} from '../../../functions/core/plan.ts';

type RateLoad = Extract<ResolvedLoad, { kind: 'rate' }>;

const ramp75: RateLoad = {
  kind: 'rate',
  stages: [{ fromRate: 0, toRate: 50, durationMs: 3_000 }],
  connections: 64,
  maxConnections: 64,
};
const flat300: RateLoad = {
  kind: 'rate',
  stages: [{ fromRate: 100, toRate: 100, durationMs: 3_000 }],
  connections: 10,
  maxConnections: 50,
};

/** Every arrival time the shards of a load will send, sorted. */
function sentTimes(loads: readonly ResolvedLoad[]): number[] {
  return loads
    .flatMap((load) => {
      if (load.kind !== 'rate') throw new Error('expected rate shards');
      const schedule = new ArrivalSchedule(load.stages, load.stride);
      return Array.from({ length: schedule.total }, (_, j) => schedule.timeOf(j));
    })
    .sort((a, b) => a - b);
}

describe('shardLoads for a rate load', () => {
  it.each([1, 4, 8, 64])('sends the 75 arrivals of a 0 → 50/s ramp over 3 s exactly with %i shards', (k) => {
    const shards = shardLoads(ramp75, k);

    expect(shards).toHaveLength(k);
    expect(sentTimes(shards)).toEqual(sentTimes([ramp75]));
    expect(sentTimes(shards)).toHaveLength(75);
  });

  it('sends all 300 arrivals of 100/s × 3 s with 7 shards, split 43 × 6 + 42', () => {
    const shards = shardLoads(flat300, 7);

    expect(
      shards.map((s) => (s.kind === 'rate' ? new ArrivalSchedule(s.stages, s.stride).total : 0)),
    ).toEqual([43, 43, 43, 43, 43, 43, 42]);
    expect(sentTimes(shards)).toEqual(sentTimes([flat300]));
  });

  it('keeps the whole schedule in every shard and splits connections and their cap into whole parts', () => {
    const shards = shardLoads(flat300, 3);

    expect(shards).toEqual([
      {
        kind: 'rate',
        stages: flat300.stages,
        connections: 4,
        maxConnections: 17,
        stride: { index: 0, of: 3 },
      },
      {
        kind: 'rate',
        stages: flat300.stages,
        connections: 3,
        maxConnections: 17,
        stride: { index: 1, of: 3 },
      },
      {
        kind: 'rate',
        stages: flat300.stages,
        connections: 3,
        maxConnections: 16,
        stride: { index: 2, of: 3 },
      },
    ]);
  });

  it('leaves an unsharded load as it is', () => {
    expect(shardLoads(flat300, 1)).toEqual([flat300]);
  });

  it('refuses more shards than arrivals, naming the probe, the count, the arrivals and the largest count', () => {
    const few: RateLoad = { ...ramp75, stages: [{ fromRate: 2, toRate: 2, durationMs: 2_500 }] };

    expect(() => shardLoads(few, 8, 'checkout')).toThrow(
      new UnshardableLoadError(
        'checkout',
        8,
        '5 arrivals over 64 connections',
        5,
        'an arrival and a connection',
      ),
    );
    expect(() => shardLoads(few, 8, 'checkout')).toThrow(
      'probe "checkout": 8 shards cannot each get an arrival and a connection: the load plans 5 arrivals over 64 connections; expected at most 5 shards',
    );
  });

  it('refuses more shards than connections', () => {
    expect(() => shardLoads(flat300, 11, 'api')).toThrow(
      'probe "api": 11 shards cannot each get an arrival and a connection: the load plans 300 arrivals over 10 connections; expected at most 10 shards',
    );
  });

  it('states each shard its own planned rate, which add up to the whole', () => {
    const shards = shardLoads(flat300, 4);

    expect(intendedRps(flat300)).toBe(100);
    expect(shards.map(intendedRps)).toEqual([25, 25, 25, 25]);
  });
});

describe('shardLoads for a burst', () => {
  const burst = (connections: number, requests?: number): ResolvedLoad => ({
    kind: 'burst',
    connections,
    durationMs: requests === undefined ? 10_000 : undefined,
    requests,
    maxDurationMs: 10_000,
  });

  it('splits connections and requests exactly', () => {
    const shards = shardLoads(burst(10, 1_001), 3);

    expect(shards.map((s) => (s.kind === 'burst' ? [s.connections, s.requests] : []))).toEqual([
      [4, 334],
      [3, 334],
      [3, 333],
    ]);
  });

  it('refuses more shards than connections instead of clamping them silently', () => {
    expect(() => shardLoads(burst(4), 8, 'login')).toThrow(
      'probe "login": 8 shards cannot each get a connection: the load plans 4 connections; expected at most 4 shards',
    );
  });

  it('refuses more shards than requests', () => {
    expect(() => shardLoads(burst(10, 3), 4, 'login')).toThrow(
      'probe "login": 4 shards cannot each get a connection and a request: the load plans 3 requests over 10 connections; expected at most 3 shards',
    );
  });
});

describe('maxShards and shard counts', () => {
  it('is the smallest of arrivals, connections and requests; a latency check is never divided', () => {
    const latency: ResolvedLoad = { kind: 'latency', requests: 10, intervalMs: 1_000 };

    expect(maxShards(ramp75)).toBe(64);
    expect(maxShards(flat300)).toBe(10);
    expect(maxShards(latency)).toBe(Number.POSITIVE_INFINITY);
    expect(shardLoads(latency, 8)).toEqual([latency]);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses the shard count %s', (count) => {
    expect(() => shardLoads(flat300, count)).toThrow(/shards: expected a whole number of at least 1/);
  });
});
