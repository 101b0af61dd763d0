import { describe, expect, it } from 'vitest';
import {
  type AlarmChange,
  type AlertMemory,
  initialAlertMemory,
  nextAlerts,
  type PeriodOutcome,
} from '../../../functions/core/alert-evaluator.ts';
import { createLatencyHistogram, encodeHistogram } from '../../../functions/core/histogram.ts';
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
