import { describe, expect, it } from 'vitest';
import {
  type AlarmChange,
  type AlertMemory,
  initialAlertMemory,
  nextAlerts,
  type PeriodOutcome,
} from '../../../functions/core/alert-evaluator.ts';
import {
  createLatencyHistogram,
  decodeHistogram,
  encodeHistogram,
  percentileMs,
} from '../../../functions/core/histogram.ts';
import type { ResolvedAlert } from '../../../functions/core/plan.ts';
import type { RunResult } from '../../../functions/core/run-result.ts';
import { runResult } from '../../helpers/run-results.ts';

const ALERT: ResolvedAlert = {
  breachedRuns: { atLeast: 2, of: 3 },
  missedRuns: 3,
  invalidRuns: undefined,
  recoverAfter: 2,
  intervalMs: 60_000,
  latency: {},
  steps: {},
};

const pass = (): PeriodOutcome => ({ run: runResult('p', 0, '2026-11-30T06:00:00Z') });
const breach = (): PeriodOutcome => ({ run: runResult('p', 0.5, '2026-11-30T06:00:00Z') });
const invalid = (): PeriodOutcome => {
  const run = runResult('p', 0.5, '2026-11-30T06:00:00Z');
  return {
    run: {
      ...run,
      validity: { ...run.validity, valid: false, reasons: ['1 of 2 shards reported'] },
      sla: { ...run.sla, passed: false, verdict: 'invalid' },
    },
  };
};
const missed = (): PeriodOutcome => ({ missed: true });

/** Feeds the outcomes in order; returns each period's changes as "alarm STATE" (empty string: none). */
function play(alert: ResolvedAlert, outcomes: PeriodOutcome[]): string[] {
  let memory: AlertMemory = initialAlertMemory(alert);
  return outcomes.map((outcome) => {
    const next = nextAlerts(alert, memory, outcome);
    memory = next.memory;
    return next.changes.map((c: AlarmChange) => `${c.alarm} ${c.state}`).join(', ');
  });
}

describe('the deployed alarms, judged run by run', () => {
  it('pages at M of the last N valid runs and clears when fewer than M of them breached', () => {
    expect(play(ALERT, [pass(), breach(), pass(), breach(), breach(), pass(), pass(), pass()])).toEqual([
      '',
      '',
      '',
      'sla ALARM', // b p b: 2 of 3
      '', // p b b
      '', // b b p
      'sla OK', // b p p
      '',
    ]);
  });

  it('skips invalid runs for the SLA alarm: they neither page nor clear it', () => {
    expect(play(ALERT, [breach(), invalid(), breach(), invalid(), pass(), invalid(), pass()])).toEqual([
      '',
      '',
      'sla ALARM',
      '',
      '', // b b p: still 2 of 3
      '',
      'sla OK', // b p p
    ]);
  });

  it('says it cannot measure after invalidRuns (default missedRuns) invalid runs in a row; one valid run clears it', () => {
    expect(play(ALERT, [invalid(), invalid(), pass(), invalid(), invalid(), invalid(), pass()])).toEqual([
      '',
      '',
      '',
      '',
      '',
      'cannot-measure ALARM',
      'cannot-measure OK',
    ]);
    expect(play({ ...ALERT, invalidRuns: 1 }, [invalid(), pass()])).toEqual([
      'cannot-measure ALARM',
      'cannot-measure OK',
    ]);
  });

  it('misses a beat after missedRuns periods without a run, and beats again with the next run', () => {
    expect(play(ALERT, [pass(), missed(), missed(), missed(), missed(), pass()])).toEqual([
      '',
      '',
      '',
      'heartbeat ALARM',
      '',
      'heartbeat OK',
    ]);
  });

  it("alarms on the run's own percentile above alert.latency, M of N valid runs", () => {
    const withLatency = (ms: number): PeriodOutcome => {
      const histogram = createLatencyHistogram();
      for (let i = 0; i < 100; i++) histogram.recordValue(ms * 1000);
      const run: RunResult = {
        ...runResult('p', 0, '2026-11-30T06:00:00Z'),
        histogram: encodeHistogram(histogram),
      };
      return { run };
    };
    const alert = { ...ALERT, breachedRuns: { atLeast: 1, of: 1 }, latency: { p99: 800 } };
    expect(play(alert, [withLatency(100), withLatency(900), withLatency(100)])).toEqual([
      '',
      'latency-p99 ALARM',
      'latency-p99 OK',
    ]);
  });

  it("says why in the alarm's terms", () => {
    const memory = initialAlertMemory(ALERT);
    const first = nextAlerts(ALERT, memory, breach());
    const second = nextAlerts(ALERT, first.memory, breach());
    expect(second.changes).toEqual([
      { alarm: 'sla', state: 'ALARM', reason: '2 of the last 2 valid runs breached (alarms at 2 of 3)' },
    ]);
  });
});

/** A valid passing run whose requests took these latencies (ms). */
const latencies = (...ms: number[]): { run: RunResult } => {
  const histogram = createLatencyHistogram();
  for (const v of ms) histogram.recordValue(v * 1000);
  return { run: { ...runResult('p', 0, '2026-11-30T06:00:00Z'), histogram: encodeHistogram(histogram) } };
};
const many = (n: number, ms: number) => Array<number>(n).fill(ms);

describe('the alarms at their boundaries, in their words', () => {
  it('keeps latency-p99 OK at a p99 exactly at alert.latency, and alarms just above it', () => {
    const run = latencies(...many(100, 300));
    const observed = percentileMs(decodeHistogram(run.run.histogram), 99);
    const once = { ...ALERT, breachedRuns: { atLeast: 1, of: 1 } };

    expect(play({ ...once, latency: { p99: observed } }, [run])).toEqual(['']);
    expect(play({ ...once, latency: { p99: observed - 0.001 } }, [run])).toEqual(['latency-p99 ALARM']);
  });

  it('names a p99.9 alarm latency-p99_9 and judges the 99.9th percentile, not the 99th', () => {
    // 1,000 requests: 990 of 10 ms, 10 of 500 ms. p99 is 10 ms, p99.9 500 ms.
    const tail = latencies(...many(990, 10), ...many(10, 500));
    const alert = { ...ALERT, breachedRuns: { atLeast: 1, of: 1 }, latency: { 'p99.9': 400, p99: 400 } };

    expect(initialAlertMemory(alert).states).toEqual({
      sla: 'OK',
      'cannot-measure': 'OK',
      heartbeat: 'OK',
      'latency-p99_9': 'OK',
      'latency-p99': 'OK',
    });
    const { changes, memory } = nextAlerts(alert, initialAlertMemory(alert), tail);
    expect(changes).toEqual([
      {
        alarm: 'latency-p99_9',
        state: 'ALARM',
        reason: 'p99.9 above 400 ms in 1 of the last 1 valid runs (alarms at 1 of 1)',
      },
    ]);
    expect(memory.latency).toEqual({ 'p99.9': [true], p99: [false] });
  });

  it('counts latency M of N over the last N valid runs, like the SLA alarm', () => {
    const alert = { ...ALERT, latency: { p99: 100 } };
    const slow = () => latencies(...many(10, 300));
    const fast = () => latencies(...many(10, 30));

    expect(play(alert, [slow(), fast(), slow(), fast(), slow()])).toEqual([
      '',
      '',
      'latency-p99 ALARM', // s f s: 2 of 3
      'latency-p99 OK', // f s f
      'latency-p99 ALARM', // s f s
    ]);
  });

  it('counts a latency key the memory has no window for (kept before that key was configured) from none', () => {
    const alert = { ...ALERT, latency: { p99: 100 } };
    const before = initialAlertMemory(ALERT);
    const slow = () => latencies(...many(10, 300));

    const first = nextAlerts(alert, before, slow());
    const second = nextAlerts(alert, first.memory, slow());

    // The new alarm starts OK (one slow run of 2 of 3), and alarms at the second.
    expect(first.changes.map((c) => `${c.alarm} ${c.state}`)).toEqual(['latency-p99 OK']);
    expect(first.memory.latency).toEqual({ p99: [true] });
    expect(second.changes.map((c) => `${c.alarm} ${c.state}`)).toEqual(['latency-p99 ALARM']);
  });

  it('says why each alarm changed, in its own terms, and forgets streaks a run ended', () => {
    const alert = { ...ALERT, missedRuns: 2, invalidRuns: 1 };
    let memory = initialAlertMemory(alert);
    const step = (outcome: PeriodOutcome) => {
      const next = nextAlerts(alert, memory, outcome);
      memory = next.memory;
      return next.changes;
    };

    expect(step(missed())).toEqual([]);
    expect(memory.missedStreak).toBe(1);
    expect(step(missed())).toEqual([
      { alarm: 'heartbeat', state: 'ALARM', reason: 'no run in the last 2 periods (alarms at 2)' },
    ]);
    expect(step(invalid())).toEqual([
      { alarm: 'heartbeat', state: 'OK', reason: 'a run ended' },
      { alarm: 'cannot-measure', state: 'ALARM', reason: '1 run in a row invalid (alarms at 1)' },
    ]);
    expect(memory).toMatchObject({ missedStreak: 0, invalidStreak: 1 });
    expect(step(invalid())).toEqual([]);
    expect(memory.invalidStreak).toBe(2);
    expect(step(pass())).toEqual([{ alarm: 'cannot-measure', state: 'OK', reason: 'a valid run' }]);
    expect(memory).toMatchObject({ missedStreak: 0, invalidStreak: 0, breaches: [false] });
  });

  it('counts invalid runs in the plural', () => {
    const alert = { ...ALERT, invalidRuns: 2 };
    const first = nextAlerts(alert, initialAlertMemory(alert), invalid());
    const second = nextAlerts(alert, first.memory, invalid());

    expect(second.changes).toEqual([
      { alarm: 'cannot-measure', state: 'ALARM', reason: '2 runs in a row invalid (alarms at 2)' },
    ]);
  });
});
