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

const run = (minutes: number, breached: boolean, valid = true) => {
  const r = runResult('api', breached ? 1 : 0, at(minutes).toISOString());
  return valid ? r : { ...r, validity: { ...r.validity, valid: false, reasons: ['generator starved'] } };
};

describe("the watch's alerts, one incident per alarm as the deployed notifier keeps it", () => {
  it('holds a recovery until recoverAfter passing runs followed the OK; a breach before that is FLAPPING, told once', () => {
    const alerts = new WatchAlerts(probe, started);
    const [breach] = alerts.alertsFor([alarm], at(2), run(2, true));
    expect(alerts.alertsFor([ok], at(6), run(6, false))).toEqual([]);
    // Back in ALARM before two runs passed: the same incident, said once; the second flap is only counted.
    const [flap] = alerts.alertsFor([alarm], at(7), run(7, true));
    expect(alerts.alertsFor([ok], at(8), run(8, false))).toEqual([]);
    expect(alerts.alertsFor([alarm], at(9), run(9, true))).toEqual([]);
    expect(alerts.alertsFor([ok], at(10), run(10, false))).toEqual([]);
    // An invalid run neither counts nor breaks the streak; the second passing run after the OK recovers.
    expect(alerts.alertsFor([], at(11), run(11, false))).toEqual([]);
    expect(alerts.alertsFor([], at(12), run(12, false, false))).toEqual([]);
    const [recovery] = alerts.alertsFor([], at(13), run(13, false));
    const [fresh] = alerts.alertsFor([alarm], at(20), run(20, true));

    expect([breach, flap, recovery, fresh].map((a) => a!.kind)).toEqual([
      'breach',
      'flapping',
      'recovery',
      'breach',
    ]);
    expect(new Set([breach, flap, recovery].map((a) => a!.dedupKey)).size).toBe(1);
    expect(fresh!.dedupKey).not.toBe(breach!.dedupKey);
    expect(breach!.dedupKey).toBe('perfprobe.test.test.probe.api.sla@2026-11-30T06:02:00.000Z');
    expect(breach!.text).toBe(
      'BREACH test/api: 2 of the last 3 valid runs breached (alarms at 2 of 3); latest run: errorRate 100 % > 1 %, http_5xx 1,000',
    );
    expect(recovery!.text).toBe(
      'RECOVERED test/api after 11 min: 1 of the last 3 valid runs breached (alarms at 2 of 3); 2 passing runs since (alert.recoverAfter 2); latest run: errorRate 0 % <= 1 %',
    );
  });

  it('names cannot-measure and heartbeat changes in the notifier words, their recoveries held the same way', () => {
    const alerts = new WatchAlerts(probe, started);
    const said = [
      ...alerts.alertsFor(
        [
          { alarm: 'cannot-measure', state: 'ALARM', reason: '3 runs in a row invalid (alarms at 3)' },
          { alarm: 'heartbeat', state: 'ALARM', reason: 'no run in the last 3 periods (alarms at 3)' },
        ],
        at(1),
      ),
      ...alerts.alertsFor(
        [
          { alarm: 'cannot-measure', state: 'OK', reason: 'a valid run' },
          { alarm: 'heartbeat', state: 'OK', reason: 'a run ended' },
        ],
        at(2),
        run(2, false),
      ),
      ...alerts.alertsFor([], at(3), run(3, false)),
      ...alerts.alertsFor([], at(4), run(4, false)),
    ].map((a) => `${a.kind}: ${a.text}`);
    expect(said).toEqual([
      'cannot-measure: CANNOT MEASURE test/api: 3 runs in a row invalid (alarms at 3)',
      'no-runs: NO RUNS test/api: no run in the last 3 periods (alarms at 3)',
      'measuring-again: MEASURING AGAIN test/api after 3 min: a valid run; 2 passing runs since (alert.recoverAfter 2)',
      'running-again: RUNNING AGAIN test/api after 3 min: a run ended; 2 passing runs since (alert.recoverAfter 2)',
    ]);
  });
});
