import { describe, expect, it } from 'vitest';
import { deployedNames } from '../../../../functions/core/cloud/deployed-suite.ts';
import {
  type MachineryAlarm,
  machineryCause,
  machineryHoldReason,
} from '../../../../functions/core/notify/machinery-cause.ts';

const names = deployedNames('bank', 'prod');
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 8, 0, 0);
const alarm = (what: string, state = 'ALARM', sinceMs = T0): MachineryAlarm => ({
  name: `perfprobe.bank.prod.system.${what}`,
  state,
  sinceMs,
});
/** Runs newest first, `hoursAgo` before T0 + 3 h: invalid ones lost their shard (partial). */
const run = (hoursAgo: number, valid: boolean) => ({
  startedAt: new Date(T0 + 3 * HOUR - hoursAgo * HOUR).toISOString(),
  partial: !valid,
  validity: { valid } as never,
});
// An hourly probe: valid until 2 h ago, then two runs that lost their shard (1 h and 0 h ago).
const lost = [run(0, false), run(1, false), run(2, true)];
const invalidSince = T0 + 2 * HOUR;

describe('machineryCause: the machinery alarm that already paged a probe alarm’s cause', () => {
  it("holds cannot-measure for runs that lost shards while a worker's errors or throttles alarm is in ALARM", () => {
    expect(machineryCause(names, 'cannot-measure', lost, [alarm('checks-worker-errors')])).toEqual(
      alarm('checks-worker-errors'),
    );
    expect(machineryCause(names, 'cannot-measure', lost, [alarm('loads-worker-throttles')])).toEqual(
      alarm('loads-worker-throttles'),
    );
  });

  it('holds it when the worker alarm went back to OK since the invalid runs began (it paged then), not before', () => {
    // An hourly worker failure fires and clears the five-minute alarm each time.
    const clearedSince = alarm('checks-worker-errors', 'OK', invalidSince);
    const clearedBefore = alarm('checks-worker-errors', 'OK', invalidSince - 1);

    expect(machineryCause(names, 'cannot-measure', lost, [clearedSince])).toEqual(clearedSince);
    expect(machineryCause(names, 'cannot-measure', lost, [clearedBefore])).toBeUndefined();
    expect(
      machineryCause(names, 'cannot-measure', lost, [alarm('checks-worker-errors', 'INSUFFICIENT_DATA')]),
    ).toBeUndefined();
  });

  it('pages cannot-measure of runs whose shards all reported (a starved generator), whatever fires', () => {
    const measured = [{ ...run(0, false), partial: false }, run(1, false)];
    expect(
      machineryCause(names, 'cannot-measure', measured, [alarm('checks-worker-errors')]),
    ).toBeUndefined();
    expect(machineryCause(names, 'cannot-measure', [], [alarm('checks-worker-errors')])).toBeUndefined();
  });

  it("pages cannot-measure when what fired is not a worker's: Plan, a topic's deliveries, another environment", () => {
    const others = [
      alarm('plan-errors'),
      alarm('alarm-topic-delivery-failed'),
      { name: 'perfprobe.bank.staging.system.checks-worker-errors', state: 'ALARM', sinceMs: T0 },
      { name: 'perfprobe.bank.prod.probe.x.cannot-measure', state: 'ALARM', sinceMs: T0 },
    ];
    expect(machineryCause(names, 'cannot-measure', lost, others)).toBeUndefined();
  });

  it("holds a heartbeat for Plan's or Aggregate's alarms, or failed or timed-out executions; not a worker's", () => {
    for (const what of [
      'plan-errors',
      'plan-throttles',
      'aggregate-errors',
      'checks-executions-failed',
      'loads-executions-timed-out',
    ]) {
      expect(machineryCause(names, 'heartbeat', [], [alarm(what)]), what).toEqual(alarm(what));
    }
    expect(machineryCause(names, 'heartbeat', [], [alarm('checks-worker-errors')])).toBeUndefined();
  });

  it('holds a heartbeat for an alarm that cleared after the last stored run, not one that cleared before it', () => {
    const last = [run(2, true)];
    const since = Date.parse(last[0]!.startedAt);
    expect(machineryCause(names, 'heartbeat', last, [alarm('plan-errors', 'OK', since)])).toBeDefined();
    expect(machineryCause(names, 'heartbeat', last, [alarm('plan-errors', 'OK', since - 1)])).toBeUndefined();
    // Without a stored run, only an alarm in ALARM now says anything.
    expect(machineryCause(names, 'heartbeat', [], [alarm('plan-errors', 'OK', T0)])).toBeUndefined();
  });

  it('never holds a breach, and names the alarm that fired first', () => {
    expect(machineryCause(names, 'sla', lost, [alarm('checks-worker-errors')])).toBeUndefined();
    const first = alarm('checks-worker-throttles', 'ALARM', T0 - 500);
    expect(machineryCause(names, 'cannot-measure', lost, [alarm('checks-worker-errors'), first])).toEqual(
      first,
    );
  });

  it('says whether the alarm is in ALARM now or paged since this began', () => {
    expect(machineryHoldReason(alarm('checks-worker-throttles'))).toBe(
      'perfprobe itself is failing: perfprobe.bank.prod.system.checks-worker-throttles is in ALARM since 2026-12-08 00:00 UTC and paged on its own; this is its consequence, paged only if it goes on without that alarm',
    );
    expect(machineryHoldReason(alarm('checks-worker-errors', 'OK', invalidSince))).toBe(
      'perfprobe itself is failing: perfprobe.bank.prod.system.checks-worker-errors paged on its own since this began (back to OK at 2026-12-08 02:00 UTC; it pages again at the next failure); this is its consequence, paged only if it goes on without that alarm',
    );
  });
});
