import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploySuite } from '../../../functions/core/cloud/deployed-suite.ts';
import { validateSuite } from '../../../functions/core/suite/validate-suite.ts';
import { createWorkerHandler, RETURN_MARGIN_MS } from '../../../functions/handlers/worker.ts';
import { httpServer, type Running } from '../../helpers/servers.ts';

let target: Running;
beforeAll(async () => {
  target = await httpServer((_, res) => setTimeout(() => res.end('ok'), 5));
});
afterAll(() => target.close());

describe('worker handler', () => {
  it('stops the load before the Lambda deadline and returns what it measured, flagged interrupted', async () => {
    const suite = validateSuite({
      name: 'bank',
      environments: { prod: { baseUrl: target.url, caps: { maxDuration: '1m' } } },
      probes: [
        {
          id: 'soak',
          request: { url: '/', timeout: '500ms' },
          load: { kind: 'burst', connections: 2, duration: '30s' },
        },
      ],
    });
    const deployed = deploySuite(suite, 'prod');
    const worker = createWorkerHandler(() => deployed);
    const remainingAtStart = 4_000;
    const invokedAt = Date.now();
    const context = {
      getRemainingTimeInMillis: () => remainingAtStart - (Date.now() - invokedAt),
    } as Context;

    const result = await worker(
      { runId: 'r1', probeId: 'soak', startAt: Date.now(), shard: 0, shards: 1 },
      context,
    );

    const took = Date.now() - invokedAt;
    // Load stops at remaining − timeout − margin; the last requests end within their timeout after that.
    expect(took).toBeGreaterThanOrEqual(remainingAtStart - 500 - RETURN_MARGIN_MS - 50);
    expect(took).toBeLessThan(remainingAtStart - RETURN_MARGIN_MS + 500);
    expect(result.stoppedEarly).toBe('interrupted: stopped by signal');
    expect(result.requests.total).toBeGreaterThan(50);
    expect(result.requests.failed).toBe(0);
  });
});
