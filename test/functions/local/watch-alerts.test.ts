import { describe, expect, it } from 'vitest';
import type { AlarmChange } from '../../../functions/core/alert-evaluator.ts';
import { WatchAlerts } from '../../../functions/local/watch/watch-alerts.ts';
import { probeFor } from '../../helpers/probes.ts';
import { runResult } from '../../helpers/run-results.ts';

const probe = probeFor('http://127.0.0.1:9', { id: 'api', schedule: 'rate(1 minute)' });
const started = new Date('2026-11-30T06:00:00Z');
const at = (minutes: number) => new Date(started.getTime() + minutes * 60_000);
const alarm: AlarmChange = {
  alarm: 'sla',
  state: 'ALARM',
  reason: '2 of the last 3 valid runs breached (alarms at 2 of 3)',
};
const ok: AlarmChange = {
  alarm: 'sla',
  state: 'OK',
  reason: '1 of the last 3 valid runs breached (alarms at 2 of 3)',
};

describe("the watch's alerts, one incident per alarm as the deployed notifier keeps it", () => {
  it('a breach within recoverAfter runs of its recovery continues the incident as FLAPPING; a later one opens a new one', () => {
    const alerts = new WatchAlerts(probe, started, 60_000);
    const breaching = runResult('api', 1, at(2).toISOString());
    const [breach] = alerts.alertsFor([alarm], at(2), breaching);
    const [recovery] = alerts.alertsFor([ok], at(6), runResult('api', 0, at(6).toISOString()));
    // recoverAfter 2 runs of 1 minute (and half a run): 2.5 minutes.
    const [flap] = alerts.alertsFor([alarm], at(8), breaching);
    const [again] = alerts.alertsFor([ok], at(10));
    const [fresh] = alerts.alertsFor([alarm], at(20));
    expect([breach, recovery, flap, again, fresh].map((a) => a!.kind)).toEqual([
      'breach',
      'recovery',
      'flapping',
      'recovery',
      'breach',
    ]);
    expect(new Set([breach, recovery, flap, again].map((a) => a!.dedupKey)).size).toBe(1);
    expect(fresh!.dedupKey).not.toBe(breach!.dedupKey);
    expect(breach!.dedupKey).toBe('perfprobe.test.test.probe.api.sla@2026-11-30T06:02:00.000Z');
    expect(breach!.text).toBe(
      'BREACH test/api: 2 of the last 3 valid runs breached (alarms at 2 of 3); latest run: errorRate 100 % > 1 %',
    );
    expect(recovery!.text).toBe(
      'RECOVERED test/api after 4 min: 1 of the last 3 valid runs breached (alarms at 2 of 3); latest run: errorRate 0 % <= 1 %',
    );
  });

  it('names cannot-measure and heartbeat changes in the notifier words', () => {
    const alerts = new WatchAlerts(probe, started, 60_000);
    const kinds = alerts
      .alertsFor(
        [
          { alarm: 'cannot-measure', state: 'ALARM', reason: '3 runs in a row invalid (alarms at 3)' },
          { alarm: 'cannot-measure', state: 'OK', reason: 'a valid run' },
          { alarm: 'heartbeat', state: 'ALARM', reason: 'no run in the last 3 periods (alarms at 3)' },
          { alarm: 'heartbeat', state: 'OK', reason: 'a run ended' },
        ],
        at(1),
      )
      .map((a) => `${a.kind}: ${a.text}`);
    expect(kinds).toEqual([
      'cannot-measure: CANNOT MEASURE test/api: 3 runs in a row invalid (alarms at 3)',
      'measuring-again: MEASURING AGAIN test/api after 0 s: a valid run',
      'no-runs: NO RUNS test/api: no run in the last 3 periods (alarms at 3)',
      'running-again: RUNNING AGAIN test/api after 0 s: a run ended',
    ]);
  });
});
