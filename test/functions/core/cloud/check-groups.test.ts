import { describe, expect, it } from 'vitest';
import {
  checkGroups,
  checkStartOffsetMs,
  workerBatches,
} from '../../../../functions/core/cloud/check-groups.ts';
import { deploySuite } from '../../../../functions/core/cloud/deployed-suite.ts';
import { CHECKS_PER_EXECUTION } from '../../../../functions/core/cloud/run-sizing.ts';
import { workerReservations } from '../../../../functions/core/cloud/worker-reservations.ts';
import { validateSuite } from '../../../../functions/core/suite/validate-suite.ts';
import { deploySuiteInput } from '../../../helpers/stacks.ts';

/** The deploy suite with `count` one-minute checks (and its own health check and hourly burst). */
function deployedWith(count: number, schedule: unknown = 'rate(1 minute)') {
  const input = deploySuiteInput();
  input.environments.prod.caps.maxRate = 10_000;
  for (let i = 0; i < count; i++) {
    input.probes.push({
      id: `c-${i}`,
      request: { url: `/c/${i}` },
      schedule,
      load: { kind: 'latency', requests: 3, interval: '1s' },
    } as never);
  }
  return deploySuite(validateSuite(input), 'prod');
}

describe('check groups: one execution per schedule tick of the checks that share it', () => {
  it('groups checks by expression and time zone, never a load', () => {
    const groups = checkGroups(deployedWith(2, { expression: 'rate(1 minute)', timezone: 'Europe/Berlin' }));
    expect(groups.map((g) => g.probeIds)).toEqual([['health'], ['c-0', 'c-1']]);
    expect(groups.flatMap((g) => g.probeIds)).not.toContain('accounts');
    expect(new Set(groups.map((g) => g.key)).size).toBe(2);
    for (const g of groups) expect(g.key).toMatch(/^checks\.[0-9a-f]{8}\.0$/);
  });

  it('gives a check with requests under a second apart a group of its own: a shared worker would slow it', () => {
    const input = deploySuiteInput();
    for (const [id, interval] of [
      ['one-second', '1s'],
      ['also-one-second', '1000ms'],
      ['dense', '999ms'],
      ['back-to-back', '0ms'],
    ]) {
      input.probes.push({
        id,
        request: { url: `/${id}` },
        schedule: 'rate(1 minute)',
        load: { kind: 'latency', requests: 3, interval },
      } as never);
    }
    const groups = checkGroups(deploySuite(validateSuite(input), 'prod')).map((g) => g.probeIds);

    expect(groups).toContainEqual(['one-second', 'also-one-second']);
    expect(groups).toContainEqual(['dense']);
    expect(groups).toContainEqual(['back-to-back']);
  });

  it('splits a schedule of more than 800 checks into near-equal groups, at 800 still one', () => {
    // The deploy suite's own health check is denser than a second: a group of its own.
    expect(checkGroups(deployedWith(CHECKS_PER_EXECUTION)).map((g) => g.probeIds.length)).toEqual([1, 800]);
    expect(checkGroups(deployedWith(CHECKS_PER_EXECUTION + 1)).map((g) => g.probeIds.length)).toEqual([
      1, 401, 400,
    ]);
  });

  it('batches 20 checks a worker, near-equal: 20 is one batch, 21 two', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => i);
    expect(workerBatches(ids(20)).map((b) => b.length)).toEqual([20]);
    expect(workerBatches(ids(21)).map((b) => b.length)).toEqual([11, 10]);
    expect(workerBatches(ids(1)).map((b) => b.length)).toEqual([1]);
  });

  it("spreads a batch's starts over a second", () => {
    expect([0, 1, 19].map(checkStartOffsetMs)).toEqual([0, 50, 950]);
  });

  it("reserves the checks' worker for the batches running at once, not one per check", () => {
    // 1,001 one-minute checks: groups of 501 and 500, 26 + 25 workers.
    expect(workerReservations(deployedWith(1_000)).checks).toBe(51);
  });
});
