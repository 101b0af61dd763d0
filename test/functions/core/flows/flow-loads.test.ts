import { afterEach, describe, expect, it } from 'vitest';
import { createLatencyHistogram, encodeHistogram } from '../../../../functions/core/histogram.ts';
import { mergeSteps } from '../../../../functions/core/merge-steps.ts';
import type { ShardResult } from '../../../../functions/core/shard-result.ts';
import { runProbeLocally } from '../../../../functions/local/run-probe.ts';
import { flowFor, type PaymentApi, paymentApi } from '../../../helpers/payment-api.ts';

let api: PaymentApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const stepCounts = (steps: readonly { name: string; requests: unknown; polls?: number }[] | undefined) =>
  steps?.map((s) => [s.name, s.requests, s.polls]);

describe('flows under every load kind', () => {
  it('burst: virtual users loop the flow until the iteration count, split exactly over shards', async () => {
    api = await paymentApi({ pendingPolls: 2 });
    const probe = flowFor(api.url, { load: { kind: 'burst', connections: 4, requests: 20 } });

    const one = await runProbeLocally(probe, { shards: 1 });
    const four = await runProbeLocally(probe, { shards: 4 });

    expect(api.logins()).toBe(40);
    expect(api.payments()).toBe(40);
    expect(one.requests).toEqual({ total: 20, ok: 20, failed: 0 });
    expect(four.requests).toEqual(one.requests);
    expect(stepCounts(four.steps)).toEqual(stepCounts(one.steps));
    expect(stepCounts(four.steps)).toEqual([
      ['login', { total: 20, ok: 20, failed: 0 }, undefined],
      ['create', { total: 20, ok: 20, failed: 0 }, undefined],
      ['settled', { total: 20, ok: 20, failed: 0 }, 60],
    ]);
  });

  it('rate: flow starts per second, each shard its stride of the arrivals', async () => {
    api = await paymentApi({ pendingPolls: 1 });
    const probe = flowFor(api.url, { load: { kind: 'rate', rate: 40, duration: '500ms', connections: 8 } });

    const one = await runProbeLocally(probe, { shards: 1 });
    const four = await runProbeLocally(probe, { shards: 4 });

    expect(one.requests.total).toBe(20);
    expect(stepCounts(four.steps)).toEqual(stepCounts(one.steps));
    expect(api.payments()).toBe(40);
    expect(four.steps?.[2]?.polls).toBe(40);
  });
});

describe('mergeSteps', () => {
  it('adds step histograms exactly: four shards give the percentiles one recorder of all values gives', () => {
    const all = createLatencyHistogram();
    const shards = [0, 1, 2, 3].map((shard) => {
      const h = createLatencyHistogram();
      for (let i = 1; i <= 250; i++) {
        const us = (i * 4 + shard) * 997;
        h.recordValue(us);
        all.recordValue(us);
      }
      return {
        steps: [
          {
            name: 'settled',
            histogram: encodeHistogram(h),
            requests: { total: 251, ok: 250, failed: 1 },
            errors: { timeout_until: 1 },
            polls: 1_000,
          },
        ],
      } as unknown as ShardResult;
    });

    const [merged] = mergeSteps(shards)!;

    expect(merged?.requests).toEqual({ total: 1_004, ok: 1_000, failed: 4 });
    expect(merged?.errors).toEqual({ timeout_until: 4 });
    expect(merged?.polls).toBe(4_000);
    expect(merged?.histogram).toBe(encodeHistogram(all));
  });

  it('is undefined for runs without a flow', () => {
    expect(mergeSteps([{} as ShardResult])).toBeUndefined();
  });
});
