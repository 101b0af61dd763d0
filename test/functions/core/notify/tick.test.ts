import { describe, expect, it } from 'vitest';
import { deployedNames } from '../../../../functions/core/cloud/deployed-suite.ts';
import {
  dueRuns,
  HEARTBEAT_RUNS_AFTER_DEPLOY,
  heartbeatVerdict,
} from '../../../../functions/core/notify/heartbeat-due.ts';
import { warnDigestMessage } from '../../../../functions/core/notify/messages/notices.ts';
import { recoveryProgress } from '../../../../functions/core/notify/recovery.ts';
import { endedSilences, type Silence } from '../../../../functions/core/notify/silence.ts';
import { laterAlarmEvent } from '../../../../functions/core/notify/synthetic-event.ts';
import { probeWarnings } from '../../../../functions/core/notify/warn-digest.ts';
import type { RunResult } from '../../../../functions/core/run-result.ts';
import { evaluateSla } from '../../../../functions/core/sla.ts';
import { validateSuite } from '../../../../functions/core/suite/validate-suite.ts';
import { probeFor } from '../../../helpers/probes.ts';
import { runResult } from '../../../helpers/run-results.ts';

const utc = (day: number, hour: number, minute = 0) => Date.UTC(2026, 10, day, hour, minute);
// Business hours in Berlin: every 15 minutes, 09:00-17:45 local, Monday to Friday. 2026-11-30 is a Monday.
const business = probeFor('https://api.example.com', {
  schedule: { expression: 'cron(0/15 9-17 ? * MON-FRI *)', timezone: 'Europe/Berlin' },
  alert: { interval: '15m' },
});
const every5 = probeFor('https://api.example.com', { schedule: 'rate(5 minutes)' });

describe('runs that were due', () => {
  it("counts a cron schedule's occurrences in its time zone, and whole intervals of a rate", () => {
    // Friday 17:45 Berlin (16:45 UTC) was the week's last; Monday 09:00 Berlin is 08:00 UTC.
    expect(dueRuns(business, utc(27, 16, 45), utc(30, 7, 59))).toBe(0);
    expect(dueRuns(business, utc(27, 16, 45), utc(30, 8, 15))).toBe(2);
    expect(dueRuns(business, utc(30, 8, 0), utc(30, 16, 45))).toBe(35);
    expect(dueRuns(every5, utc(30, 8, 0), utc(30, 8, 14))).toBe(2);
    // Only "at least so many" is asked after an old deploy: counting stops there.
    expect(dueRuns(business, Date.UTC(2025, 0, 1), utc(30, 8), 2)).toBe(2);
    expect(dueRuns(every5, Date.UTC(2025, 0, 1), utc(30, 8), 2)).toBe(2);
  });

  it('holds a heartbeat page at night and over the weekend, and pages once due runs are missing', () => {
    const friday = utc(27, 16, 45);
    const input = { probe: business, lastRunMs: friday, deployedMs: undefined, windowStartMs: friday };
    expect(heartbeatVerdict({ ...input, nowMs: utc(28, 2) })).toEqual({
      page: false,
      why: 'no run was due since the last run at 2026-11-27 16:45 UTC (cron(0/15 9-17 ? * MON-FRI *) in Europe/Berlin)',
    });
    // Monday 09:00 Berlin is due; it gets one interval (15 min) to run and be stored.
    expect(heartbeatVerdict({ ...input, nowMs: utc(30, 8, 14) }).page).toBe(false);
    expect(heartbeatVerdict({ ...input, nowMs: utc(30, 8, 30) })).toEqual({
      page: true,
      missing: {
        count: 2,
        text: 'Runs due and missing: 2 since the last run at 2026-11-27 16:45 UTC (cron(0/15 9-17 ? * MON-FRI *) in Europe/Berlin; the newest due run is given one interval to finish).',
      },
    });
  });

  it(`pages no heartbeat before ${HEARTBEAT_RUNS_AFTER_DEPLOY} runs were due after the deploy`, () => {
    const deployedMs = utc(30, 8, 1);
    const input = { probe: every5, lastRunMs: undefined, deployedMs, windowStartMs: utc(29, 8) };
    expect(heartbeatVerdict({ ...input, nowMs: utc(30, 8, 14) })).toEqual({
      page: false,
      why: 'only 1 of the first 2 runs after the deploy at 2026-11-30 08:01 UTC were due (rate(5 minutes))',
    });
    expect(heartbeatVerdict({ ...input, nowMs: utc(30, 8, 16) })).toMatchObject({ page: true });
  });
});

describe('a recovery held for alert.recoverAfter passing runs', () => {
  const at = (minute: number, errorRate: number, valid = true): RunResult => {
    const run = runResult('p', errorRate, new Date(utc(30, 3, minute)).toISOString());
    return valid
      ? run
      : { ...run, validity: { ...run.validity, valid: false, reasons: ['no shard reported'] } };
  };
  const probe = probeFor('https://api.example.com', { schedule: 'rate(1 minute)', sla: { errorRate: 0.01 } });
  const okAt = utc(30, 3, 5);

  it('counts valid passing runs since the OK, newest first, skipping invalid ones, stopping at a breach', () => {
    expect(recoveryProgress(probe, 'sla', [at(6, 0)], okAt)).toEqual({ passing: 1, needed: 2, done: false });
    expect(recoveryProgress(probe, 'sla', [at(8, 0), at(7, 0, false), at(6, 0), at(4, 0)], okAt)).toEqual({
      passing: 2,
      needed: 2,
      done: true,
    });
    expect(recoveryProgress(probe, 'sla', [at(8, 0), at(7, 0.5), at(6, 0)], okAt).passing).toBe(1);
    // A heartbeat recovers on stored runs, whatever their verdict; "cannot measure" on valid ones.
    expect(recoveryProgress(probe, 'heartbeat', [at(7, 0.5), at(6, 0.5)], okAt).done).toBe(true);
    expect(recoveryProgress(probe, 'cannot-measure', [at(7, 0), at(6, 0, false)], okAt).passing).toBe(1);
  });

  it('counts runs whose certificate has the critical days left for cert-expiry, valid or not, skipping runs without one', () => {
    const certProbe = probeFor('https://api.example.com', {
      schedule: 'rate(1 minute)',
      sla: { certDaysLeft: { critical: 7 } },
    });
    const seen = (minute: number, daysLeft: number | undefined, valid = true): RunResult => {
      const run = at(minute, 0, valid);
      if (daysLeft === undefined) return run;
      const certificate = { subject: 'CN=a', issuer: 'CN=ca', validTo: '2027-01-01T00:00:00.000Z', daysLeft };
      return { ...run, tls: { protocol: 'TLSv1.3', cipher: 'c', alpn: null, certificate } };
    };

    expect(
      recoveryProgress(certProbe, 'cert-expiry', [seen(8, 7, false), seen(7, undefined), seen(6, 90)], okAt),
    ).toEqual({ passing: 2, needed: 2, done: true });
    expect(
      recoveryProgress(certProbe, 'cert-expiry', [seen(8, 90), seen(7, 6), seen(6, 90)], okAt).passing,
    ).toBe(1);
  });
});

describe('alert.remind', () => {
  const suite = (remind: unknown) => () =>
    validateSuite({
      name: 's',
      environments: { prod: { baseUrl: 'https://api.example.com' } },
      probes: [{ id: 'p', request: { url: '/' }, alert: { remind } }],
    });

  it('takes a duration of at least 5 minutes, off by default', () => {
    expect(probeFor('https://api.example.com', { alert: { remind: '1h' } }).alert.remindMs).toBe(3_600_000);
    expect(probeFor('https://api.example.com', {}).alert.remindMs).toBeUndefined();
    expect(suite('1m')).toThrow(/probes\[0\]\.alert\.remind.*at least 5m/);
    expect(suite('soon')).toThrow(/probes\[0\]\.alert\.remind.*a duration like "1h"/);
  });
});

describe('silences whose summary is due', () => {
  const silence = (endsAt: string, held: string[], summarizedAt?: string): Silence => ({
    id: `2026-11-30T01:00:00.000Z#00${held.length}`,
    environment: 'prod',
    reason: 'failover',
    startsAt: '2026-11-30T01:00:00.000Z',
    endsAt,
    held,
    summarizedAt,
  });

  it('are the ended ones that held pages and were not summarized', () => {
    const due = silence('2026-11-30T02:00:00.000Z', ['a']);
    expect(
      endedSilences(
        [
          due,
          silence('2026-11-30T02:00:00.000Z', []),
          silence('2026-11-30T04:00:00.000Z', ['a', 'b']),
          silence('2026-11-30T02:00:00.000Z', ['a', 'b', 'c'], '2026-11-30T02:05:00.000Z'),
        ],
        utc(30, 3),
      ),
    ).toEqual([due]);
  });
});

describe('warn-level notices', () => {
  const names = deployedNames('bank', 'prod');
  // errorRate: a warn target of 0.1 %, a critical limit of 5 %.
  const at = (minute: number, errorRate: number, valid = true): RunResult => {
    const run = runResult('login', errorRate, new Date(utc(30, 3, minute)).toISOString(), 'prod');
    const judged = { ...run, sla: evaluateSla({ errorRate: { warn: 0.001, critical: 0.05 } }, run) };
    return valid ? judged : { ...judged, validity: { ...judged.validity, valid: false, reasons: ['late'] } };
  };

  it('digests the hour: valid runs that missed a warn target (not critical), per probe, in one message', () => {
    const login = probeWarnings('login', [at(50, 0.002), at(40, 0.02, false), at(30, 0), at(20, 0.003)]);
    const health = probeWarnings('health', [at(50, 0)]);
    expect(login.runs).toBe(3);
    expect(login.warned.map((w) => w.run.startedAt)).toEqual([
      '2026-11-30T03:50:00.000Z',
      '2026-11-30T03:20:00.000Z',
    ]);
    const event = laterAlarmEvent({
      region: 'eu-west-1',
      account: '123456789012',
      alarmName: `${names.alarmPrefix}system.warnings`,
      from: { value: 'OK', atMs: utc(30, 3) },
      to: { value: 'ALARM', atMs: utc(30, 4), reason: 'warn-level SLA targets missed' },
    });

    const digest = warnDigestMessage({ event, names }, [login, health], utc(30, 3), utc(30, 4));

    expect(digest.subject).toBe('WARN bank/prod: 2 runs of login missed a warn-level SLA');
    expect(digest.text.split('\n').slice(0, 4)).toEqual([
      'WARN (bank/prod): warn-level SLA targets missed between 2026-11-30 03:00 UTC and 2026-11-30 04:00 UTC. Nothing pages for these (critical thresholds do); this digest comes at most hourly.',
      '',
      `login: 2 of 3 valid runs missed a warn-level target; latest (2026-11-30 03:50 UTC, run ${login.warned[0]!.run.runId}):`,
      '  - errorRate 0.2 % > 0.1 %',
    ]);
    expect(digest.dedupKey).toBe('perfprobe.bank.prod.system.warnings@2026-11-30T04:00:00.000Z');
  });
});
