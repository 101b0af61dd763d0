import { afterEach, describe, expect, it } from 'vitest';
import { generateShardLoad } from '../../../../functions/adapters/generate-load.ts';
import { aggregateRun } from '../../../../functions/core/aggregate-run.ts';
import { deployedProbe, deploySuite } from '../../../../functions/core/cloud/deployed-suite.ts';
import { planRun } from '../../../../functions/core/plan.ts';
import { validateSuite } from '../../../../functions/core/suite/validate-suite.ts';
import { type PaymentApi, paymentApi, paymentFlowSteps } from '../../../helpers/payment-api.ts';

let api: PaymentApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('a flow probe on the deployed path', () => {
  it('survives the bundled suite file and runs in the workers as the local runner does, steps in the stored run', async () => {
    api = await paymentApi({ pendingPolls: 1 });
    const suite = validateSuite({
      name: 'pay',
      environments: { prod: { baseUrl: api.url, variables: { user: { secret: 'env:FLOW_USER' } } } },
      probes: [
        {
          id: 'flow',
          steps: [
            {
              ...paymentFlowSteps()[0],
              request: { method: 'POST', url: '/login', body: { user: '${user}' } },
            },
            ...paymentFlowSteps().slice(1),
          ],
          load: { kind: 'burst', connections: 2, requests: 6 },
        },
      ],
    });
    // What the functions read at cold start: the deployed suite as JSON.
    const bundled = JSON.parse(JSON.stringify(deploySuite(suite, 'prod')));
    const probe = deployedProbe(bundled, 'flow');
    expect(probe.secrets).toEqual({ user: 'env:FLOW_USER' });

    const plan = planRun(probe, { runId: 'r1', startAt: Date.now(), shards: 2 });
    const shards = await Promise.all(
      plan.shards.map((s) => generateShardLoad(plan, s.index, { env: { FLOW_USER: 'synthetic-7' } })),
    );
    const run = JSON.parse(JSON.stringify(aggregateRun(plan, shards)));

    expect(
      api
        .seen()
        .filter((l) => l.startsWith('POST /login'))
        .every((l) => l.includes('synthetic-7')),
    ).toBe(true);
    expect(api.payments()).toBe(6);
    expect(run.requests).toEqual({ total: 6, ok: 6, failed: 0 });
    expect(run.steps.map((s: { name: string; requests: { ok: number } }) => [s.name, s.requests.ok])).toEqual(
      [
        ['login', 6],
        ['create', 6],
        ['settled', 6],
      ],
    );
  });
});
