import { describe, expect, it } from 'vitest';
import { deployedNames, type ProbeAlarmKind } from '../../../../functions/core/cloud/deployed-suite.ts';
import { readAlarmEvent } from '../../../../functions/core/notify/alarm-event.ts';
import type { AlarmSubject } from '../../../../functions/core/notify/alarm-subject.ts';
import type { IncidentState, IncidentStep } from '../../../../functions/core/notify/incident.ts';
import {
  killSwitchMessage,
  reminderMessage,
  silenceEndedMessage,
  type TickContext,
  warnDigestMessage,
} from '../../../../functions/core/notify/messages/notices.ts';
import type { NotificationInput } from '../../../../functions/core/notify/notification.ts';
import { renderNotification } from '../../../../functions/core/notify/render-notification.ts';
import {
  type DeadLetterPeek,
  scheduleDeadLettersNotification,
} from '../../../../functions/core/notify/schedule-dead-letters.ts';
import type { Silence } from '../../../../functions/core/notify/silence.ts';
import { laterAlarmEvent } from '../../../../functions/core/notify/synthetic-event.ts';
import { probeWarnings } from '../../../../functions/core/notify/warn-digest.ts';
import type { ResolvedProbe } from '../../../../functions/core/plan.ts';
import type { RunResult } from '../../../../functions/core/run-result.ts';
import { evaluateSla } from '../../../../functions/core/sla.ts';
import { probeFor } from '../../../helpers/probes.ts';
import { runResult } from '../../../helpers/run-results.ts';

/*
 * Every message kind the notifier sends, each branch of its wording, pinned whole (kind, subject, SMS, text,
 * links, runbook, run, dedupKey): the texts on-call reads must not change when the code that builds them does.
 */

const names = deployedNames('bank', 'prod');
const RUNBOOK = 'https://runbooks.example.com/bank/login';
const utc = (minute: number) => Date.UTC(2026, 10, 30, 3, minute);

function event(alarmName: string, from: string, to: string, extra: Record<string, unknown> = {}) {
  return readAlarmEvent({
    'detail-type': 'CloudWatch Alarm State Change',
    region: 'eu-west-1',
    account: '123456789012',
    resources: [`arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${alarmName}`],
    detail: {
      alarmName,
      previousState: { value: from, reason: 'before', timestamp: '2026-11-30T03:00:00.000+0000' },
      state: { value: to, reason: 'Threshold Crossed', timestamp: '2026-11-30T03:12:30.000+0000', ...extra },
      configuration: { description: 'The notifier failed 3 times in 5 minutes: read its log group.' },
    },
  });
}

const run = (probeId: string, errorRate: number, minute: number, phaseP95?: number): RunResult => {
  const result = runResult(probeId, errorRate, new Date(utc(minute)).toISOString(), 'prod');
  const phasesMs =
    phaseP95 === undefined
      ? undefined
      : {
          connect: { count: 3, p50: 4, p95: 5 },
          ttfb: { count: 3, p50: phaseP95, p95: phaseP95 },
        };
  const latencyMs = { ...result.latencyMs, p50: 40, p95: 80, p99: 120, max: 150 };
  return { ...result, runId: `run-${minute}`, latencyMs, ...(phasesMs ? { phasesMs } : {}) } as RunResult;
};

const invalid = (probeId: string, minute: number, reasons: string[]): RunResult => {
  const base = run(probeId, 0, minute);
  return {
    ...base,
    requests: { total: 0, ok: 0, failed: 0 },
    latencyMs: { ...base.latencyMs, max: 0 },
    validity: { ...base.validity, valid: false, reasons },
  };
};

const probeWith = (id: string, extra: Record<string, unknown> = {}): ResolvedProbe => {
  const probe = probeFor('https://api.example.com', { id, ...extra });
  return { ...probe, environment: 'prod', suite: 'bank' };
};

const login = probeWith('login', {
  runbook: RUNBOOK,
  schedule: 'rate(5 minutes)',
  alert: { interval: '5m', recoverAfter: 2 },
});
const plain = probeWith('plain');

function page(
  probe: ResolvedProbe | undefined,
  subject: AlarmSubject,
  from: string,
  to: string,
  input: Partial<NotificationInput> = {},
) {
  const check =
    subject.kind === 'probe'
      ? `probe.${subject.probeId}.${subject.check}`
      : subject.kind === 'system'
        ? `system.${subject.what}`
        : 'drill';
  const decision = renderNotification({
    event: event(`${names.alarmPrefix}${check}`, from, to),
    names,
    subject,
    probe,
    table: 'runs',
    ...input,
  });
  if (!decision.notify) throw new Error(decision.why);
  return decision.notification;
}

const sla = (probeId: string): AlarmSubject => ({ kind: 'probe', probeId, check: 'sla' });
const check = (probeId: string, name: ProbeAlarmKind): AlarmSubject => ({
  kind: 'probe',
  probeId,
  check: name,
});

const flap = (flaps: number): IncidentStep => ({
  dedupKey: `${names.alarmPrefix}probe.login.sla@2026-11-30T02:40:00.000Z`,
  flapping: true,
  alreadyTold: false,
  okAt: '2026-11-30T03:08:00.000Z',
  next: {
    alarmName: `${names.alarmPrefix}probe.login.sla`,
    dedupKey: `${names.alarmPrefix}probe.login.sla@2026-11-30T02:40:00.000Z`,
    openedAt: '2026-11-30T02:40:00.000Z',
    okAt: '2026-11-30T03:08:00.000Z',
    flaps,
  },
});

describe('breach', () => {
  it('pages the failed checks, errors, phases that rose, the good run, links and the runbook', () => {
    const runs = [
      run('login', 0.5, 10, 90),
      run('login', 0, 9, 20),
      run('login', 0.3, 8),
      run('login', 0, 7),
    ];
    expect(page(login, sla('login'), 'OK', 'ALARM', { runs, windowMs: 86_400_000 })).toMatchSnapshot();
  });

  it('says when the stored runs show fewer breaching runs than the alarm counted, and no good run', () => {
    const runs = [run('plain', 0.5, 10), invalid('plain', 9, ['late sends'])];
    expect(page(plain, sla('plain'), 'OK', 'ALARM', { runs, table: undefined })).toMatchSnapshot();
  });

  it('says "SLA breached" when no stored run shows a failed critical check', () => {
    const runs = [run('plain', 0, 10), run('plain', 0, 9)];
    expect(page(plain, sla('plain'), 'OK', 'ALARM', { runs, windowMs: 3_600_000 })).toMatchSnapshot();
  });

  it("still pages with CloudWatch's reason when the runs could not be read", () => {
    expect(
      page(login, sla('login'), 'OK', 'ALARM', { runs: [], runsUnavailable: 'ThrottlingException' }),
    ).toMatchSnapshot();
  });

  it("names CloudWatch's percentile, its threshold and the latest datapoint for a latency alarm", () => {
    const probe = probeWith('search', { alert: { latency: { p99: '800ms' } } });
    const reasonData = JSON.stringify({ recentDatapoints: [700, 912.3] });
    const decision = renderNotification({
      event: event(`${names.alarmPrefix}probe.search.latency-p99`, 'OK', 'ALARM', { reasonData }),
      names,
      subject: check('search', 'latency-p99'),
      probe,
      runs: [run('search', 0, 10)],
    });
    expect(decision).toMatchSnapshot();
  });

  it("names the step and its threshold for a flow step's percentile alarm, without a datapoint", () => {
    const probe = probeWith('pay', {
      request: undefined,
      steps: [
        { name: 'login', request: { method: 'POST', url: '/login' } },
        { name: 'settled-eu', request: { url: '/payments/1' } },
      ],
      alert: { steps: { 'settled-eu': { 'p99.9': '1500ms' } } },
    });
    expect(page(probe, check('pay', 'step-settled-eu-p99_9'), 'OK', 'ALARM', { runs: [] })).toMatchSnapshot();
  });

  it('shortens a long probe name, never the figures, in the subject and the SMS', () => {
    const id = `p${'x'.repeat(62)}`;
    const probe = { ...probeWith(id), id, runbook: RUNBOOK };
    const runs = [run(id, 0.124, 3), run(id, 0.2, 2), run(id, 0, 1)];
    expect(page(probe, sla(id), 'OK', 'ALARM', { runs })).toMatchSnapshot();
  });
});

describe('flapping', () => {
  it('tells the first flap of an incident, with the breach under it', () => {
    const runs = [run('login', 0.5, 12), run('login', 0.5, 11), run('login', 0, 7)];
    expect(page(login, sla('login'), 'OK', 'ALARM', { runs, incident: flap(1) })).toMatchSnapshot();
  });

  it('counts a later flap, and drops the period count from a percentile subject', () => {
    const probe = probeWith('search', { alert: { latency: { p99: '800ms' } } });
    expect(
      page(probe, check('search', 'latency-p99'), 'OK', 'ALARM', { runs: [], incident: flap(3) }),
    ).toMatchSnapshot();
  });
});

describe('recovery', () => {
  it('says the held recovery holds, and how often it flapped before', () => {
    const runs = [run('login', 0, 12), run('login', 0, 11), run('login', 0.5, 9)];
    const recovery = { okAt: '2026-11-30T03:08:00.000Z', passing: 2 };
    expect(page(login, sla('login'), 'ALARM', 'OK', { runs, recovery, incident: flap(1) })).toMatchSnapshot();
    expect(page(login, sla('login'), 'ALARM', 'OK', { runs, recovery, incident: flap(3) })).toMatchSnapshot();
  });

  it('says how long a breach may still continue it, with and without an interval', () => {
    const runs = [run('login', 0, 12), run('login', 0.5, 9)];
    expect(page(login, sla('login'), 'ALARM', 'OK', { runs })).toMatchSnapshot();
    expect(page(plain, sla('plain'), 'ALARM', 'OK', { runs: [] })).toMatchSnapshot();
  });
});

describe('cannot measure', () => {
  const reasons = [
    'only 0 of 1 shards reported: worker error SecretResolutionError: denied',
    'no shard reported',
  ];
  const vault = probeWith('vault', { runbook: RUNBOOK, alert: { invalidRuns: 2 } });
  const subject = check('vault', 'cannot-measure');

  it('says what failed, since when and the likely fix', () => {
    const runs = [invalid('vault', 9, reasons), invalid('vault', 8, reasons), run('vault', 0, 7)];
    expect(page(vault, subject, 'OK', 'ALARM', { runs })).toMatchSnapshot();
  });

  it('says the count its alarm pages on when the stored runs lag, and pages without any run', () => {
    expect(page(vault, subject, 'OK', 'ALARM', { runs: [invalid('vault', 9, ['late'])] })).toMatchSnapshot();
    expect(page(vault, subject, 'OK', 'ALARM', { runs: [] })).toMatchSnapshot();
  });

  it('says it measures again, with and without a run', () => {
    expect(page(vault, subject, 'ALARM', 'OK', { runs: [run('vault', 0, 12)] })).toMatchSnapshot();
    expect(page(vault, subject, 'ALARM', 'OK', { runs: [] })).toMatchSnapshot();
  });
});

describe('no runs (heartbeat)', () => {
  const subject = check('login', 'heartbeat');

  it('says the due runs missing, or the periods without a run, and the last stored run', () => {
    const missing = { count: 2, text: 'Runs due and missing: 2 since the deploy at 2026-11-30 03:00 UTC.' };
    expect(
      page(login, subject, 'OK', 'ALARM', { runs: [], missing, windowMs: 86_400_000 }),
    ).toMatchSnapshot();
    expect(page(login, subject, 'OK', 'ALARM', { runs: [run('login', 0, 1)] })).toMatchSnapshot();
    expect(page(plain, check('plain', 'heartbeat'), 'OK', 'ALARM', { runs: [] })).toMatchSnapshot();
  });

  it('says it runs again, with and without a run', () => {
    expect(page(login, subject, 'ALARM', 'OK', { runs: [run('login', 0, 12)] })).toMatchSnapshot();
    expect(page(login, subject, 'ALARM', 'OK', { runs: [] })).toMatchSnapshot();
  });
});

describe('drill', () => {
  const drill: AlarmSubject = { kind: 'drill' };

  it('says DRILL, and that nothing needs doing, in the subject and the SMS of the ALARM', () => {
    const opened = page(undefined, drill, 'OK', 'ALARM');
    expect(opened.subject).toMatch(/^DRILL bank\/prod: /);
    expect(opened.sms).toMatch(/^DRILL /);
    expect(opened).toMatchSnapshot();
  });

  it('says DRILL OVER when the drill alarm is back to OK', () => {
    const over = page(undefined, drill, 'ALARM', 'OK');
    expect(over.subject).toMatch(/^DRILL OVER bank\/prod: /);
    expect(over).toMatchSnapshot();
  });
});

describe("perfprobe's own machinery", () => {
  const system = (what: string): AlarmSubject => ({ kind: 'system', what });

  it('says what failed (the alarm description) and when it recovered', () => {
    expect(page(undefined, system('notifier-errors'), 'OK', 'ALARM')).toMatchSnapshot();
    expect(page(undefined, system('notifier-errors'), 'ALARM', 'OK')).toMatchSnapshot();
  });

  it("tells a probe's store failure and a deleted probe's alarm as the machinery's", () => {
    expect(page(login, check('login', 'store-failed'), 'OK', 'ALARM')).toMatchSnapshot();
    expect(page(undefined, sla('gone'), 'OK', 'ALARM')).toMatchSnapshot();
  });

  it('says why a state change is no news', () => {
    const render = (from: string, to: string) =>
      renderNotification({
        event: event(`${names.alarmPrefix}probe.login.sla`, from, to),
        names,
        subject: sla('login'),
      });
    expect([render('ALARM', 'INSUFFICIENT_DATA'), render('INSUFFICIENT_DATA', 'OK')]).toMatchSnapshot();
  });

  it("pages the schedules' dead letters: read, empty, not read", () => {
    const alarmName = `${names.alarmPrefix}system.schedule-dead-letters`;
    const render = (peek: DeadLetterPeek, probeIds = ['login']) =>
      scheduleDeadLettersNotification({
        event: event(alarmName, 'OK', 'ALARM'),
        names,
        probeIds,
        peek,
        queueUrl: undefined,
        dedupKey: `${alarmName}@2026-11-30T03:12:30.000Z`,
        dashboard: false,
      });
    const letter = (probeId: string, code: string) => ({
      body: JSON.stringify({ probeId }),
      attributes: {
        ERROR_CODE: code,
        ERROR_MESSAGE: 'Rate exceeded',
        SCHEDULED_TIME: '2026-11-30T03:05:00Z',
      },
    });
    const many = Array.from({ length: 10 }, (_, i) =>
      letter(`probe-with-a-long-name-${i}`, 'ThrottlingException'),
    );
    expect(render({ read: true, messages: [letter('login', 'ThrottlingException')] })).toMatchSnapshot();
    expect(render({ read: true, messages: many })).toMatchSnapshot();
    expect(render({ read: true, messages: [] })).toMatchSnapshot();
    expect(render({ read: false, why: 'QueueDoesNotExist' })).toMatchSnapshot();
    expect(render({ read: false, why: 'socket hang up' })).toMatchSnapshot();
  });
});

describe('notices of the tick', () => {
  const context = (alarmName: string, to: 'OK' | 'ALARM'): TickContext => ({
    event: laterAlarmEvent({
      region: 'eu-west-1',
      account: '123456789012',
      alarmName,
      from: { value: 'OK', atMs: utc(0) },
      to: { value: to, atMs: utc(50), reason: 'tick' },
    }),
    names,
    table: 'runs',
  });
  const incident = (alarm: string, flaps: number): IncidentState => ({
    alarmName: `${names.alarmPrefix}${alarm}`,
    dedupKey: `${names.alarmPrefix}${alarm}@2026-11-30T02:00:00.000Z`,
    openedAt: '2026-11-30T02:00:00.000Z',
    flaps,
  });

  it('reminds of an open incident with what the latest runs say, for each check', () => {
    const probe = { ...login, alert: { ...login.alert, remindMs: 3_600_000 } };
    const ctx = context(`${names.alarmPrefix}probe.login.sla`, 'ALARM');
    const nowMs = utc(55);
    const runs = [run('login', 0.5, 50), run('login', 0, 45)];
    const reasons = ['late sends'];
    expect(reminderMessage(ctx, probe, 'sla', incident('probe.login.sla', 0), runs, nowMs)).toMatchSnapshot();
    expect(
      reminderMessage(ctx, probe, 'sla', incident('probe.login.sla', 1), [run('login', 0, 50)], nowMs),
    ).toMatchSnapshot();
    expect(
      reminderMessage(ctx, probe, 'heartbeat', incident('probe.login.heartbeat', 3), runs, nowMs),
    ).toMatchSnapshot();
    expect(
      reminderMessage(
        ctx,
        probe,
        'cannot-measure',
        incident('probe.login.cannot-measure', 0),
        [invalid('login', 50, reasons)],
        nowMs,
      ),
    ).toMatchSnapshot();
    expect(
      reminderMessage(ctx, probe, 'cannot-measure', incident('probe.login.cannot-measure', 0), runs, nowMs),
    ).toMatchSnapshot();
    expect(reminderMessage(ctx, probe, 'sla', incident('probe.login.sla', 0), [], nowMs)).toMatchSnapshot();
  });

  it('summarizes an ended silence: still open (a page) or nothing open (a notice)', () => {
    const silence: Silence = {
      id: '2026-11-30T02:00:00.000Z#ab12',
      environment: 'prod',
      probeId: 'login',
      reason: 'database failover',
      startsAt: '2026-11-30T02:00:00.000Z',
      endsAt: '2026-11-30T03:00:00.000Z',
      held: ['2026-11-30 02:10 UTC BREACH prod/login errorRate 100 % > 1 % (2 of 3 runs)'],
    };
    const probes = [{ probeId: 'login', runs: 12, breached: 4, invalid: 1 }];
    const open = incident('probe.login.sla', 0);
    expect(silenceEndedMessage(context(open.alarmName, 'ALARM'), silence, probes, [open])).toMatchSnapshot();
    const window: Silence = {
      ...silence,
      probeId: undefined,
      kind: 'maintenance',
      held: Array.from({ length: 23 }, (_, i) => `2026-11-30 02:${10 + i} UTC NO RUNS prod/p${i}`),
    };
    expect(
      silenceEndedMessage(context(`${names.alarmPrefix}silence`, 'OK'), window, [], []),
    ).toMatchSnapshot();
  });

  it('reminds that the kill switch is on', () => {
    const ctx = { ...context(`${names.alarmPrefix}system.kill-switch`, 'ALARM'), dashboard: false };
    expect(
      killSwitchMessage(
        ctx,
        '/perfprobe/bank/prod/kill-switch',
        incident('system.kill-switch', 0),
        utc(59) + 86_400_000,
      ),
    ).toMatchSnapshot();
  });

  it('digests the warn-level misses of the hour', () => {
    const warned = (minute: number, errorRate: number) => {
      const r = run('login', errorRate, minute);
      return { ...r, sla: evaluateSla({ errorRate: { warn: 0.001, critical: 0.05 } }, r) };
    };
    const probes = [
      probeWarnings('login', [warned(50, 0.002), warned(40, 0), warned(20, 0.003)]),
      probeWarnings('search', [warned(45, 0.004)]),
      probeWarnings('health', [warned(45, 0)]),
    ];
    const ctx = context(`${names.alarmPrefix}system.warnings`, 'ALARM');
    expect(warnDigestMessage(ctx, probes, utc(0), utc(60))).toMatchSnapshot();
  });
});

describe('trace ids in a breach page', () => {
  const traces = {
    slowest: [
      { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', ms: 2310.4 },
      { traceId: '0af7651916cd43dd8448eb211c80319c', ms: 84.25 },
    ],
    failed: [{ traceId: 'a3ce929d0e0e47364bf92f3577b34da6', errorClass: 'http_5xx' as const }],
  };
  const slowLine =
    'Trace ids (traceparent), slowest: 4bf92f3577b34da6a3ce929d0e0e4736 (2,310 ms), 0af7651916cd43dd8448eb211c80319c (84.3 ms)';
  const failedLine = 'Trace ids (traceparent), failed: a3ce929d0e0e47364bf92f3577b34da6 (http_5xx)';
  const traced = (errorRate: number, minute: number, sla: Parameters<typeof evaluateSla>[0]): RunResult => {
    const r = { ...run('login', errorRate, minute), traces };
    return { ...r, sla: evaluateSla(sla, r) };
  };

  it('names the slowest requests when latency broke, not the failed ones', () => {
    const runs = [traced(0, 10, { max: { critical: 100 } }), traced(0, 9, { max: { critical: 100 } })];

    const { text } = page(login, sla('login'), 'OK', 'ALARM', { runs });

    expect(text).toContain('  - max 150 ms > 100 ms');
    expect(text.split('\n')).toContain(slowLine);
    expect(text).not.toContain(failedLine);
  });

  it('names the failed requests when the error rate broke, not the slowest ones', () => {
    const runs = [
      traced(0.5, 10, { errorRate: { critical: 0.01 } }),
      traced(0.5, 9, { errorRate: { critical: 0.01 } }),
    ];

    const { text } = page(login, sla('login'), 'OK', 'ALARM', { runs });

    expect(text.split('\n')).toContain(failedLine);
    expect(text).not.toContain('slowest:');
  });

  it("names the slowest requests for CloudWatch's percentile alarm, whatever the run's own checks", () => {
    const probe = probeWith('login', { alert: { latency: { p99: '800ms' } } });

    const { text } = page(probe, check('login', 'latency-p99'), 'OK', 'ALARM', {
      runs: [traced(0, 10, { errorRate: { critical: 0.01 } })],
    });

    expect(text.split('\n')).toContain(slowLine);
  });

  it('has no trace line for a run that kept no ids', () => {
    const runs = [{ ...traced(0, 10, { max: { critical: 100 } }), traces: undefined }];

    expect(page(login, sla('login'), 'OK', 'ALARM', { runs }).text).not.toContain('Trace ids');
  });
});

describe('certificate expiry (a declared sla.certDaysLeft)', () => {
  const bank = {
    ...probeFor('https://api.bank.example', {
      id: 'accounts',
      sla: { certDaysLeft: { warn: 30, critical: 7 } },
    }),
    environment: 'prod',
    suite: 'bank',
  };
  const subject = check('accounts', 'cert-expiry');
  const seen = (minute: number, validTo: string, shardsDiffer = false): RunResult => ({
    ...run('accounts', 0, minute),
    tls: {
      protocol: 'TLSv1.3',
      cipher: 'TLS_AES_256_GCM_SHA384',
      alpn: 'http/1.1',
      certificate: {
        subject: 'CN=api.bank.example',
        issuer: 'CN=Bank Issuing CA, O=Bank',
        validTo,
        daysLeft: 6,
      },
      ...(shardsDiffer ? { shardsDiffer: true as const } : {}),
    },
  });

  it('names the host, the issuer, the expiry date, the days left at the page and the critical days', () => {
    // The alarm is at 03:12:30 on 2026-11-30: 6 days and 8 h before the certificate's end.
    const runs = [seen(10, '2026-12-06T12:00:00.000Z')];

    const message = page(bank, subject, 'OK', 'ALARM', { runs });

    expect(message.kind).toBe('cert-expiry');
    expect(message.text.split('\n')[0]).toBe(
      'CERT EXPIRY: probe prod/accounts (suite bank): certificate for api.bank.example (issuer CN=Bank Issuing CA, O=Bank) expires 2026-12-06, in 6 days; critical below 7.',
    );
    expect(message.subject).toBe(
      'CERT EXPIRY prod/accounts: api.bank.example 2026-12-06, in 6 days; critical below 7',
    );
    expect(message.runId).toBe('run-10');
    expect(message).toMatchSnapshot();
  });

  it('says "today" on its last day, and how long ago an expired certificate ended', () => {
    const today = page(bank, subject, 'OK', 'ALARM', { runs: [seen(10, '2026-11-30T20:00:00.000Z')] });
    const expired = page(bank, subject, 'OK', 'ALARM', { runs: [seen(10, '2026-11-28T01:00:00.000Z')] });

    expect(today.text.split('\n')[0]).toContain('expires 2026-11-30, today; critical below 7.');
    expect(expired.text.split('\n')[0]).toContain('expired 2026-11-28, 3 days ago; critical below 7.');
  });

  it('says when the shards saw different certificates', () => {
    const message = page(bank, subject, 'OK', 'ALARM', {
      runs: [seen(10, '2026-12-06T12:00:00.000Z', true)],
    });

    expect(message.text).toContain('Its shards saw different certificates');
  });

  it("pages CloudWatch's figure when no stored run shows the certificate", () => {
    const reasonData = JSON.stringify({ recentDatapoints: [5] });
    const decision = renderNotification({
      event: event(`${names.alarmPrefix}probe.accounts.cert-expiry`, 'OK', 'ALARM', { reasonData }),
      names,
      subject,
      probe: bank,
      runs: [run('accounts', 0, 10)],
      table: 'runs',
    });

    if (!decision.notify) throw new Error(decision.why);
    expect(decision.notification.subject).toBe(
      'CERT EXPIRY prod/accounts: api.bank.example has 5 days left; critical below 7',
    );
  });

  it('says the renewed certificate when the alarm is back to OK', () => {
    const message = page(bank, subject, 'ALARM', 'OK', { runs: [seen(12, '2027-03-01T00:00:00.000Z')] });

    expect(message.kind).toBe('cert-renewed');
    expect(message.text.split('\n')[0]).toBe(
      'CERT RENEWED: probe prod/accounts (suite bank): certificate for api.bank.example (issuer CN=Bank Issuing CA, O=Bank) expires 2027-03-01, in 90 days. The incident lasted 13 min.',
    );
  });
});
