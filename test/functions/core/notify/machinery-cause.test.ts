import { describe, expect, it } from 'vitest';
import { deployedNames } from '../../../../functions/core/cloud/deployed-suite.ts';
import { machineryCause, machineryHoldReason } from '../../../../functions/core/notify/machinery-cause.ts';

const names = deployedNames('bank', 'prod');
const alarm = (what: string, sinceMs = 1_000) => ({ name: `perfprobe.bank.prod.system.${what}`, sinceMs });
const lostShards = { partial: true };
const measured = { partial: false };

describe('machineryCause: the machinery alarm that already paged a probe alarm’s cause', () => {
  it("holds cannot-measure for a run that lost shards while a worker's errors or throttles alarm fires", () => {
    expect(machineryCause(names, 'cannot-measure', lostShards, [alarm('checks-worker-errors')])).toEqual(
      alarm('checks-worker-errors'),
    );
    expect(machineryCause(names, 'cannot-measure', lostShards, [alarm('loads-worker-throttles')])).toEqual(
      alarm('loads-worker-throttles'),
    );
  });

  it('pages cannot-measure of a run whose shards all reported (a starved generator), whatever fires', () => {
    expect(
      machineryCause(names, 'cannot-measure', measured, [alarm('checks-worker-errors')]),
    ).toBeUndefined();
    expect(
      machineryCause(names, 'cannot-measure', undefined, [alarm('checks-worker-errors')]),
    ).toBeUndefined();
  });

  it("pages cannot-measure when what fires is not a worker's: Plan, a topic's deliveries, another environment", () => {
    const others = [
      alarm('plan-errors'),
      alarm('alarm-topic-delivery-failed'),
      { name: 'perfprobe.bank.staging.system.checks-worker-errors', sinceMs: 1 },
      { name: 'perfprobe.bank.prod.probe.x.cannot-measure', sinceMs: 1 },
    ];
    expect(machineryCause(names, 'cannot-measure', lostShards, others)).toBeUndefined();
  });

  it("holds a heartbeat while Plan's or Aggregate's alarms, or failed or timed-out executions, fire; not a worker's", () => {
    for (const what of [
      'plan-errors',
      'plan-throttles',
      'aggregate-errors',
      'checks-executions-failed',
      'loads-executions-timed-out',
    ]) {
      expect(machineryCause(names, 'heartbeat', undefined, [alarm(what)]), what).toEqual(alarm(what));
    }
    expect(machineryCause(names, 'heartbeat', undefined, [alarm('checks-worker-errors')])).toBeUndefined();
  });

  it('never holds a breach, and names the alarm that fired first', () => {
    expect(machineryCause(names, 'sla', lostShards, [alarm('checks-worker-errors')])).toBeUndefined();
    const first = alarm('checks-worker-throttles', 500);
    expect(
      machineryCause(names, 'cannot-measure', lostShards, [alarm('checks-worker-errors', 900), first]),
    ).toEqual(first);
    expect(machineryHoldReason(first)).toBe(
      'perfprobe itself is failing: perfprobe.bank.prod.system.checks-worker-throttles is in ALARM since 1970-01-01 00:00 UTC and paged on its own; this is its consequence, paged only if it outlasts that alarm',
    );
  });
});
