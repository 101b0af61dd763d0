import { describe, expect, it } from 'vitest';
import { deployedNames, type ProbeAlarmKind } from '../../../../functions/core/cloud/deployed-suite.ts';
import { readAlarmEvent } from '../../../../functions/core/notify/alarm-event.ts';
import type { NotificationInput } from '../../../../functions/core/notify/notification.ts';
import { renderNotification } from '../../../../functions/core/notify/render-notification.ts';
import type { ResolvedProbe } from '../../../../functions/core/plan.ts';
import { sloStatus } from '../../../../functions/core/slo/slo-status.ts';
import { probeFor } from '../../../helpers/probes.ts';
import { storedRun } from '../../../helpers/stored-runs.ts';

const names = deployedNames('bank', 'prod');
const AT = '2026-11-30T03:12:30.000Z';
const NOW = new Date(AT);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

const login: ResolvedProbe = {
  ...probeFor('https://api.example.com', {
    id: 'login',
    schedule: 'rate(1 minute)',
    slo: { window: '30d', availability: '99.9%', latency: { threshold: '300ms', target: '99%' } },
  }),
  environment: 'prod',
  suite: 'bank',
};

/**
 * 101,000 requests in the window, 29 failed: 101 allowed, 71 % left. The last hour: 16 of 1,000 failed, 16×;
 * the last 3 days, 16 of 2,000, 8×. Latency: 100,941 of the 101,000 requests succeeded within 300 ms; 30 took
 * 900 ms two days ago and 29 failed.
 */
const runs = [
  storedRun({
    runId: 'old',
    startedAt: ago(10 * DAY),
    latenciesUs: Array(98_987).fill(20_000),
    failed: 13,
    environment: 'prod',
    probeId: 'login',
  }),
  storedRun({
    runId: 'slow',
    startedAt: ago(2 * DAY),
    latenciesUs: [...Array(970).fill(20_000), ...Array(30).fill(900_000)],
    environment: 'prod',
    probeId: 'login',
  }),
  storedRun({
    runId: 'now',
    startedAt: ago(HOUR / 2),
    latenciesUs: Array(984).fill(20_000),
    failed: 16,
    environment: 'prod',
    probeId: 'login',
  }),
];
const slo = sloStatus('login', login.slo!, runs, NOW);

function event(check: ProbeAlarmKind, from: string, to: string) {
  const alarmName = `${names.alarmPrefix}probe.login.${check}`;
  return readAlarmEvent({
    'detail-type': 'CloudWatch Alarm State Change',
    region: 'eu-west-1',
    account: '123456789012',
    resources: [`arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${alarmName}`],
    detail: {
      alarmName,
      previousState: { value: from, reason: 'before', timestamp: '2026-11-30T01:12:30.000+0000' },
      state: {
        value: to,
        reason: `perfprobe.bank.prod.probe.login.burn-${check.slice(4)}-long transitioned to ALARM`,
        timestamp: '2026-11-30T03:12:30.000+0000',
      },
    },
  });
}

function page(check: ProbeAlarmKind, from: string, to: string, input: Partial<NotificationInput> = {}) {
  const decision = renderNotification({
    event: event(check, from, to),
    names,
    subject: { kind: 'probe', probeId: 'login', check },
    probe: login,
    runs: [...runs].reverse(),
    slo,
    table: 'runs',
    ...input,
  });
  if (!decision.notify) throw new Error(decision.why);
  return decision.notification;
}

describe('SLO burn pages', () => {
  it('pages a fast burn with the objective, the burn, the budget left and when it runs out', () => {
    const notification = page('slo-availability-fast', 'OK', 'ALARM');

    expect(notification.kind).toBe('slo-burn');
    expect(notification.subject).toBe(
      'SLO BURN prod/login availability 99.9 %/30d: 16x burn, 71 % budget left',
    );
    expect(notification.text.split('\n').slice(0, 5)).toEqual([
      'SLO BURN: login availability 99.9 %/30d: burning 16× over the last hour, 71 % of the budget left, gone in 1 day 8 h at this rate.',
      'probe prod/login (suite bank): GET https://api.example.com/',
      '',
      'Over the last 30 days: 100,971 of 101,000 requests succeeded (SLI 99.9713 %, target 99.9 %).',
      'Error budget: 101 bad allowed, 29 spent. Burn: 16× over 1 h, 16× over 6 h, 8× over 3 days.',
    ]);
    expect(notification.text).toContain(
      "The alert: above 14.4× over the last hour, and still over the last 5 minutes (or the probe's interval, if longer).",
    );
    expect(notification.text).toContain(
      'From a shell: perfprobe slo <your suite file> --deployed --env prod --probe login --region eu-west-1',
    );
    expect(notification.dedupKey).toBe(`${names.alarmPrefix}probe.login.slo-availability-fast@${AT}`);
  });

  it("sends the 1× burn over three days as a notice, with that window's burn", () => {
    const notification = page('slo-latency-budget', 'OK', 'ALARM');

    // 59 of 101,000 requests bad (30 slow, 29 failed), 1,010 allowed (94 % left); three days: 46 of 2,000 (30
    // slow, 16 failed), 2.3×; so 0.94158 × 30 days ÷ 2.3 = 12.28 days, 12 days 7 h.
    expect(notification.kind).toBe('slo-notice');
    expect(notification.subject).toBe(
      'SLO NOTICE prod/login latency <= 300 ms 99 %/30d: 2.3x burn, 94 % budget left',
    );
    expect(notification.text.split('\n')[0]).toBe(
      'SLO NOTICE: login latency <= 300 ms 99 %/30d: burning 2.3× over the last 3 days, 94 % of the budget left, gone in 12 days 7 h at this rate.',
    );
    expect(notification.text).toContain(
      'Over the last 30 days: 100,941 of 101,000 requests succeeded in 300 ms or less (SLI 99.9416 %, target 99 %).',
    );
  });

  it("pages with CloudWatch's reason when the window's runs could not be read", () => {
    const notification = page('slo-availability-slow', 'OK', 'ALARM', {
      slo: undefined,
      runs: [],
      runsUnavailable: 'ProvisionedThroughputExceededException',
    });

    expect(notification.kind).toBe('slo-burn');
    expect(notification.subject).toBe('SLO BURN prod/login availability 99.9 %/30d: over 6x burn');
    expect(notification.text.split('\n')[0]).toBe(
      'SLO BURN: login availability 99.9 %/30d: burning faster than 6× over the last 6 hours.',
    );
    expect(notification.text).toContain(
      'CloudWatch says: perfprobe.bank.prod.probe.login.burn-availability-slow-long transitioned to ALARM',
    );
  });

  it('says when the burn ended, with the budget as it stands', () => {
    const notification = page('slo-availability-fast', 'ALARM', 'OK');

    expect(notification.kind).toBe('slo-calm');
    expect(notification.subject).toBe(
      'SLO BURN ENDED prod/login availability 99.9 %/30d after 2 h: 71 % of the budget left',
    );
  });
});
