import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../functions/core/cloud/run-record.ts';
import {
  latestPerLocation,
  locatedStore,
  locationsStore,
  runsTablesSetting,
} from '../../../functions/core/location-runs.ts';
import type { RunStore } from '../../../functions/core/run-store.ts';

/** A store of runs given as [runId, startedAt minute, location]: enough of a RunRecord for these reads. */
function storeOf(runs: ReadonlyArray<readonly [string, number, string?]>): RunStore {
  const records = runs.map(
    ([runId, minute, location]) =>
      ({
        runId,
        startedAt: new Date(Date.UTC(2026, 11, 8, 3, minute)).toISOString(),
        ...(location === undefined ? {} : { location }),
      }) as RunRecord,
  );
  return {
    save: () => Promise.reject(new Error('not here')),
    runsBetween: async (_env, _probe, _from, _to, limit = 100) =>
      [...records].sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, limit),
  };
}

const read = (store: RunStore, limit?: number) =>
  store
    .runsBetween('prod', 'login', new Date(0), new Date(), limit)
    .then((runs) => runs.map((r) => [r.runId, r.location]));

describe("every location's runs as one store", () => {
  it('merges the locations newest first, each run tagged with where it was read unless it says', async () => {
    const store = locationsStore({
      'eu-west-1': storeOf([
        ['w1', 1],
        ['w3', 3, 'eu-west-1'],
      ]),
      'us-east-1': storeOf([['e2', 2]]),
    });

    expect(await read(store)).toEqual([
      ['w3', 'eu-west-1'],
      ['e2', 'us-east-1'],
      ['w1', 'eu-west-1'],
    ]);
    expect(await read(store, 2)).toEqual([
      ['w3', 'eu-west-1'],
      ['e2', 'us-east-1'],
    ]);
  });

  it('stores nothing', async () => {
    await expect(locationsStore({}).save({} as never)).rejects.toThrow('a run is saved in its own location');
  });
});

describe('one location of a store', () => {
  it('keeps to that location, reading on until the limit is of its runs', async () => {
    const store = locatedStore(
      storeOf([
        ['a', 1, 'eu-west-1'],
        ['b', 2, 'us-east-1'],
        ['c', 3, 'us-east-1'],
        ['d', 4, 'eu-west-1'],
      ]),
      'eu-west-1',
    );

    expect(await read(store, 1)).toEqual([['d', 'eu-west-1']]);
    expect(await read(store)).toEqual([
      ['d', 'eu-west-1'],
      ['a', 'eu-west-1'],
    ]);
  });
});

describe('PERFPROBE_RUNS_TABLES', () => {
  it('reads location → table, and nothing when unset', () => {
    expect(runsTablesSetting('{"eu-west-1":"t-1","us-east-1":"t-2"}')).toEqual({
      'eu-west-1': 't-1',
      'us-east-1': 't-2',
    });
    expect(runsTablesSetting(undefined)).toBeUndefined();
    expect(runsTablesSetting('')).toBeUndefined();
  });

  it('refuses anything else, naming the variable', () => {
    for (const bad of ['t-1', '["t-1"]', '{"eu-west-1":""}', '{"eu-west-1":3}']) {
      expect(() => runsTablesSetting(bad)).toThrow(
        'environment variable PERFPROBE_RUNS_TABLES: expected a JSON object of location → runs table name',
      );
    }
  });
});

describe('the latest run of each location', () => {
  it("is the first of each location's runs, in the environment's order, then others, then none", () => {
    const runs = [
      { runId: 'a', location: 'us-east-1' },
      { runId: 'b', location: 'eu-west-1' },
      { runId: 'c', location: 'us-east-1' },
      { runId: 'd' },
      { runId: 'e', location: 'ap-south-1' },
    ];

    expect(latestPerLocation(runs, ['eu-west-1', 'us-east-1']).map((r) => r.runId)).toEqual([
      'b',
      'a',
      'e',
      'd',
    ]);
  });
});
