import { afterEach, describe, expect, it } from 'vitest';
import { UnshardableLoadError } from '../../../functions/core/plan.ts';
import { runProbeLocally } from '../../../functions/local/run-probe.ts';
import { probeFor } from '../../helpers/probes.ts';
import { httpServer, type Running } from '../../helpers/servers.ts';

let target: Running | undefined;
let arrived = 0;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

const countingServer = async () => {
  arrived = 0;
  target = await httpServer((_, res) => {
    arrived++;
    res.end('ok');
  });
  return target.url;
};

// What the server receives, not what the generator believes it sent: sharding splits arrivals, never drops them.
describe('a sharded rate run delivers exactly the planned arrivals', () => {
  const ramp = { kind: 'rate', from: 0, stages: [{ to: 100, over: '1.5s' }] }; // 75 arrivals

  it.each([
    [1, ramp],
    [4, ramp],
    [8, ramp],
    [64, { ...ramp, connections: 64 }],
  ])('a 75-arrival ramp over %i shards', async (shards, load) => {
    const url = await countingServer();

    const result = await runProbeLocally(probeFor(url, { load }), { shards });

    expect(arrived).toBe(75);
    expect(result.requests.total).toBe(75);
    expect(result.coverage).toEqual({ planned: shards, reported: shards });
  });

  it('a flat 200/s × 1.5 s (300 arrivals) over 7 shards', async () => {
    const url = await countingServer();

    const result = await runProbeLocally(
      probeFor(url, { load: { kind: 'rate', rate: 200, duration: '1.5s' } }),
      { shards: 7 },
    );

    expect(arrived).toBe(300);
    expect(result.requests.total).toBe(300);
  });

  it.each([
    ['more shards than connections', 64, ramp, /at most 10 shards/],
    ['more shards than arrivals', 76, { ...ramp, connections: 76 }, /at most 75 shards/],
  ])('refuses %s before sending anything', async (_, shards, load, reason) => {
    const url = await countingServer();

    const run = runProbeLocally(probeFor(url, { load }), { shards });

    await expect(run).rejects.toThrow(UnshardableLoadError);
    await expect(run).rejects.toThrow(reason);
    expect(arrived).toBe(0);
  });
});
