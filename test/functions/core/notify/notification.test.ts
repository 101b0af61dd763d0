import { describe, expect, it } from 'vitest';
import { deployedNames } from '../../../../functions/core/cloud/deployed-suite.ts';
import { readAlarmEvent } from '../../../../functions/core/notify/alarm-event.ts';
import { alarmSubject } from '../../../../functions/core/notify/alarm-subject.ts';
import { describeCheck, formatSpan } from '../../../../functions/core/notify/figures.ts';
import { nextIncident } from '../../../../functions/core/notify/incident.ts';
import { likelyFix } from '../../../../functions/core/notify/likely-fix.ts';
import { maintenanceAt } from '../../../../functions/core/notify/maintenance.ts';
import { phaseLine, runFigures } from '../../../../functions/core/notify/messages/run-figures.ts';
import { SUBJECT_MAX } from '../../../../functions/core/notify/notification.ts';
import { renderNotification } from '../../../../functions/core/notify/render-notification.ts';
import { activeSilence } from '../../../../functions/core/notify/silence.ts';
import { snsMessage } from '../../../../functions/core/notify/sns-message.ts';
import type { RunResult } from '../../../../functions/core/run-result.ts';
import { validateSuite } from '../../../../functions/core/suite/validate-suite.ts';
import { probeFor } from '../../../helpers/probes.ts';
import { runResult } from '../../../helpers/run-results.ts';

const names = deployedNames('test', 'test');

function event(alarmName: string, from: string, to: string) {
  return readAlarmEvent({
    'detail-type': 'CloudWatch Alarm State Change',
    region: 'eu-west-1',
    account: '123456789012',
    resources: [`arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${alarmName}`],
    detail: {
      alarmName,
      previousState: { value: from, reason: 'before', timestamp: '2026-11-30T03:00:00.000+0000' },
      state: { value: to, reason: 'Threshold Crossed', timestamp: '2026-11-30T03:12:30.000+0000' },
    },
  });
}

const run = (probeId: string, errorRate: number, minute: number): RunResult => {
  const result = runResult(probeId, errorRate, new Date(Date.UTC(2026, 10, 30, 3, minute)).toISOString());
  return { ...result, runId: `run-${minute}` };
};

describe('the notification of an alarm state change', () => {
  it('keeps the subject ASCII and under 100 characters for the longest probe id', () => {
    const id = `p${'x'.repeat(62)}`;
    const probe = { ...probeFor('https://api.example.com', { id }), id };
    const decision = renderNotification({
      event: event(`${names.alarmPrefix}probe.${id}.sla`, 'OK', 'ALARM'),
      names,
      subject: { kind: 'probe', probeId: id, check: 'sla' },
      probe,
      runs: [run(id, 0.124, 3), run(id, 0.2, 2), run(id, 0, 1)],
    });

    if (!decision.notify) throw new Error(decision.why);
    const { subject } = decision.notification;
    expect(subject.length).toBeLessThanOrEqual(SUBJECT_MAX);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    // The name gives way, the figures stay whole.
    expect(subject).toMatch(/^BREACH test\/px+\.\.\. errorRate 12\.4 % > 1 % \(2 of 3 runs\)$/);
    const published = snsMessage(
      event(`${names.alarmPrefix}probe.${id}.sla`, 'OK', 'ALARM'),
      decision.notification,
    );
    expect(published.Subject).toBe(subject);
    expect(JSON.parse(published.Message).sms.length).toBeLessThanOrEqual(160);
  });

  it("names the step, CloudWatch's percentile and the step's threshold for a flow step's alarm", () => {
    const probe = probeFor('https://api.example.com', {
      id: 'pay',
      steps: [
        {
          name: 'login',
          request: { method: 'POST', url: '/login' },
          capture: { session: { json: '$.token' } },
        },
        {
          name: 'settled-eu',
          request: { url: '/payments/1', headers: { authorization: 'Bearer ${session}' } },
          until: { json: { '$.status': 'settled' }, every: '250ms', timeout: '30s' },
        },
      ],
      request: undefined,
      alert: { steps: { 'settled-eu': { 'p99.9': '1500ms' } } },
    });
    const alarmName = `${names.alarmPrefix}probe.pay.step-settled-eu-p99_9`;
    const subject = alarmSubject(names, alarmName);
    if (subject?.kind !== 'probe') throw new Error('expected a probe alarm');

    const decision = renderNotification({
      event: event(alarmName, 'OK', 'ALARM'),
      names,
      subject,
      probe,
      runs: [run('pay', 0, 3), run('pay', 0, 2), run('pay', 0, 1)],
    });

    if (!decision.notify) throw new Error(decision.why);
    expect(decision.notification.subject).toBe(
      'BREACH test/pay settled-eu CloudWatch p99.9 above 1500 ms (2 of 3 periods)',
    );
    expect(decision.notification.text).toContain(
      'CloudWatch\'s p99.9 of step "settled-eu" was above 1500 ms in 2 of the last 3 periods, alarm at 2026-11-30 03:12 UTC.',
    );
  });

  it('counts the breaching runs among the alarm window of valid runs and names the earliest as "since"', () => {
    const probe = probeFor('https://api.example.com', { id: 'login' });
    const decision = renderNotification({
      event: event(`${names.alarmPrefix}probe.login.sla`, 'OK', 'ALARM'),
      names,
      subject: { kind: 'probe', probeId: 'login', check: 'sla' },
      probe,
      runs: [run('login', 0.5, 9), run('login', 0, 8), run('login', 0.3, 7), run('login', 0, 6)],
    });

    if (!decision.notify) throw new Error(decision.why);
    expect(decision.notification.subject).toBe('BREACH test/login errorRate 50 % > 1 % (2 of 3 runs)');
    expect(decision.notification.text).toContain('broke its SLA in 2 of its last 3 valid runs');
    // One start for the incident in every format: its first breaching run, labelled, and the alarm's time.
    expect(decision.notification.text).toContain(
      'since 2026-11-30 03:07 UTC (first breaching run), alarm at 2026-11-30 03:12 UTC.',
    );
    expect(decision.notification.sms).toBe(
      'BREACH test/login errorRate 50 % > 1 % (2 of 3 runs). Since 2026-11-30 03:07 UTC (first breaching run).',
    );
    expect(decision.notification.text).toContain('Previous good run: 2026-11-30 03:08 UTC');
    expect(decision.notification.dedupKey).toBe(
      `${names.alarmPrefix}probe.login.sla@2026-11-30T03:12:30.000Z`,
    );
  });

  it('says the count the alarm pages on when the stored runs show fewer breaching runs than it needs', () => {
    const probe = probeFor('https://api.example.com', { id: 'login' });
    const decision = renderNotification({
      event: event(`${names.alarmPrefix}probe.login.sla`, 'OK', 'ALARM'),
      names,
      subject: { kind: 'probe', probeId: 'login', check: 'sla' },
      probe,
      runs: [run('login', 0.5, 9), run('login', 0, 8), run('login', 0, 7)],
    });

    if (!decision.notify) throw new Error(decision.why);
    expect(decision.notification.subject).toBe(
      'BREACH test/login errorRate 50 % > 1 % (alarm at 2 of 3 runs)',
    );
    expect(decision.notification.text).toContain(
      'broke its SLA in 1 of its last 3 valid runs (the alarm pages at 2 of 3), since 2026-11-30 03:09 UTC (first breaching run), alarm at 2026-11-30 03:12 UTC. CloudWatch counted at least 2; the stored runs show fewer',
    );
  });

  it('says a cannot-measure incident once per cause, with the count its alarm pages on and no 0 % error rate', () => {
    const probe = probeFor('https://api.example.com', { id: 'vault', alert: { invalidRuns: 2 } });
    const invalid = (minute: number): RunResult => {
      const base = run('vault', 0, minute);
      return {
        ...base,
        requests: { total: 0, ok: 0, failed: 0 },
        validity: {
          ...base.validity,
          valid: false,
          reasons: [
            'only 0 of 1 shards reported: worker error SecretResolutionError: denied',
            'no shard reported',
          ],
        },
      };
    };
    const render = (runs: RunResult[]) => {
      const decision = renderNotification({
        event: event(`${names.alarmPrefix}probe.vault.cannot-measure`, 'OK', 'ALARM'),
        names,
        subject: { kind: 'probe', probeId: 'vault', check: 'cannot-measure' },
        probe,
        runs,
        table: 'runs',
      });
      if (!decision.notify) throw new Error(decision.why);
      return decision.notification;
    };

    const page = render([invalid(9), invalid(8), run('vault', 0, 7)]);
    const lagging = render([invalid(9), run('vault', 0, 8)]);

    expect(page.subject).toBe('CANNOT MEASURE test/vault: 2 invalid runs in a row');
    expect(page.text).toContain(
      '  - only 0 of 1 shards reported: worker error SecretResolutionError: denied\n',
    );
    expect(page.text).not.toContain('no shard reported');
    expect(page.text).toContain('Latest run: 0 requests, INVALID, no request completed.');
    expect(page.text).toContain(
      'since 2026-11-30 03:08 UTC (first invalid run), alarm at 2026-11-30 03:12 UTC',
    );
    expect(page.sms).toMatch(
      /^CANNOT MEASURE test\/vault: 2 invalid runs in a row\. Since 2026-11-30 03:08 UTC \(first invalid run\)\./,
    );
    expect(page.text).toContain(
      'From a shell: perfprobe runs <your suite file> --deployed --env test --probe vault --region eu-west-1',
    );
    expect(lagging.subject).toBe('CANNOT MEASURE test/vault: invalid runs (the alarm pages at 2 in a row)');
  });

  it('gives a heartbeat page the count of due runs missing in its subject, head and body alike', () => {
    const probe = probeFor('https://api.example.com', { id: 'office' });
    const decision = renderNotification({
      event: event(`${names.alarmPrefix}probe.office.heartbeat`, 'OK', 'ALARM'),
      names,
      subject: { kind: 'probe', probeId: 'office', check: 'heartbeat' },
      probe,
      runs: [],
      missing: {
        count: 2,
        text: 'Runs due and missing: 2 since the deploy at 2026-11-30 03:00 UTC (rate(1 minute)).',
      },
    });

    if (!decision.notify) throw new Error(decision.why);
    expect(decision.notification.subject).toBe('NO RUNS test/office: 2 due runs missing');
    expect(decision.notification.text).toMatch(
      /^NO RUNS: probe test\/office \(suite \S+\) has 2 due runs missing; /,
    );
    expect(decision.notification.text).toContain('Runs due and missing: 2 since the deploy');
  });

  it('keys a recovery to the time its incident opened, and says how long that was', () => {
    const probe = probeFor('https://api.example.com', { id: 'login' });
    const decision = renderNotification({
      event: event(`${names.alarmPrefix}probe.login.sla`, 'ALARM', 'OK'),
      names,
      subject: { kind: 'probe', probeId: 'login', check: 'sla' },
      probe,
      runs: [run('login', 0, 9), run('login', 0.5, 8)],
    });

    if (!decision.notify) throw new Error(decision.why);
    expect(decision.notification.subject).toBe('RECOVERED test/login after 13 min: errorRate 0 % <= 1 %');
    expect(decision.notification.dedupKey).toBe(
      `${names.alarmPrefix}probe.login.sla@2026-11-30T03:00:00.000Z`,
    );
  });

  it('links no dashboard when the stack has none (ProbeSuite dashboard: false)', () => {
    const probe = probeFor('https://api.example.com', { id: 'login' });
    const render = (dashboard: boolean | undefined) => {
      const decision = renderNotification({
        event: event(`${names.alarmPrefix}probe.login.sla`, 'OK', 'ALARM'),
        names,
        subject: { kind: 'probe', probeId: 'login', check: 'sla' },
        probe,
        runs: [run('login', 0.5, 9), run('login', 0.5, 8)],
        dashboard,
      });
      if (!decision.notify) throw new Error(decision.why);
      return decision.notification;
    };

    const without = render(false);
    expect(without.text).not.toContain('Dashboard:');
    expect(without.links.dashboard).toBeUndefined();
    expect(render(undefined).text).toContain(
      `Dashboard: https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/${names.dashboard}`,
    );
  });
});

describe('reading the event and the alarm name', () => {
  it('names the field, what was expected and what was found', () => {
    expect(() =>
      readAlarmEvent({
        'detail-type': 'CloudWatch Alarm State Change',
        region: 'eu-west-1',
        account: '1',
        detail: { alarmName: 'a', state: { value: 'BROKEN', timestamp: 'x' } },
      }),
    ).toThrow('alarm event: detail.state.value must be OK, ALARM or INSUFFICIENT_DATA, found "BROKEN"');
  });

  it("tells a probe's alarm from perfprobe's own and from another stack's", () => {
    expect(alarmSubject(names, 'perfprobe.test.test.probe.login.latency-p99_9')).toEqual({
      kind: 'probe',
      probeId: 'login',
      check: 'latency-p99_9',
    });
    expect(alarmSubject(names, 'perfprobe.test.test.system.notifier-errors')).toEqual({
      kind: 'system',
      what: 'notifier-errors',
    });
    expect(alarmSubject(names, 'perfprobe.test.test-eu.probe.login.sla')).toBeUndefined();
  });

  it('tells the drill alarm by its exact name, not by a prefix', () => {
    expect(alarmSubject(names, 'perfprobe.test.test.drill')).toEqual({ kind: 'drill' });
    expect(alarmSubject(names, 'perfprobe.test.test.drill.x')).toBeUndefined();
  });
});

describe('figures', () => {
  it('gives every check its unit and the side it broke on', () => {
    const check = { severity: 'critical' as const, passed: false };
    expect(
      describeCheck({ ...check, name: 'p99', metric: 'latency.p99', threshold: 400, observed: 812.4 }),
    ).toBe('p99 812 ms > 400 ms');
    expect(
      describeCheck({ ...check, name: 'errorRate', metric: 'errorRate', threshold: 0.01, observed: 0.124 }),
    ).toBe('errorRate 12.4 % > 1 %');
    expect(
      describeCheck({
        ...check,
        name: 'minThroughput',
        metric: 'throughputRps',
        threshold: 100,
        observed: 80,
      }),
    ).toBe('minThroughput 80 req/s < 100 req/s');
    expect(
      describeCheck({ ...check, name: 'p99', metric: 'latency.p99', threshold: 400, observed: null }),
    ).toBe('p99 not measured (no response completed; limit 400 ms)');
  });

  it("formats a step's error rate, the limiter's verdict and a regression in their own terms", () => {
    const check = { severity: 'critical' as const, passed: false };
    expect(
      describeCheck({
        ...check,
        name: 'steps.login.errorRate',
        metric: 'steps.login.errorRate',
        threshold: 0.01,
        observed: 0.5,
      }),
    ).toBe('steps.login.errorRate 50 % > 1 %');
    expect(
      describeCheck({
        ...check,
        name: 'steps.login.p95',
        metric: 'steps.login.latency.p95',
        threshold: 300,
        observed: 420,
      }),
    ).toBe('steps.login.p95 420 ms > 300 ms');
    const rateLimit = { ...check, name: 'rateLimit', metric: 'rateLimit.compliant', threshold: 1 };
    expect(describeCheck({ ...rateLimit, observed: 0 })).toBe(
      'rateLimit not compliant (the limiter did not keep to its limit)',
    );
    expect(
      describeCheck({ ...rateLimit, observed: 0, reason: 'admitted 49 in 4 s against 5/s (2.45×)' }),
    ).toBe('rateLimit not compliant (admitted 49 in 4 s against 5/s (2.45×))');
    expect(describeCheck({ ...rateLimit, observed: 1, passed: true })).toBe('rateLimit compliant');
    const figures = {
      baselineMs: 72,
      baselineRuns: 10,
      source: 'last 7d',
      relative: 80 / 72 - 1,
      absoluteMs: 8,
      allowedRelative: 0.1,
      minDeltaMs: 5,
      test: { name: 'mann-whitney-u' as const, pValue: 0.2, alpha: 0.05 },
    };
    const regression = {
      ...check,
      name: 'regression.p95',
      metric: 'latency.p95',
      threshold: 79.2,
      observed: 80,
    };
    // Above its relative limit but passed: says which condition did not hold.
    expect(describeCheck({ ...regression, passed: true, regression: figures })).toBe(
      'regression.p95 80 ms (+11 % vs baseline 72 ms, not significant: p=0.2)',
    );
    expect(describeCheck({ ...regression, passed: true, regression: { ...figures, minDeltaMs: 10 } })).toBe(
      'regression.p95 80 ms (+11 % vs baseline 72 ms, rise 8 ms not above minDelta 10 ms, not significant: p=0.2)',
    );
    expect(
      describeCheck({
        ...regression,
        regression: { ...figures, test: { ...figures.test, pValue: 0.001 } },
      }),
    ).toBe('regression.p95 80 ms > 79.2 ms (+11 % vs baseline 72 ms, p=0.001)');
    expect(
      describeCheck({
        ...regression,
        observed: 75,
        passed: true,
        regression: { ...figures, relative: 75 / 72 - 1 },
      }),
    ).toBe('regression.p95 75 ms <= 79.2 ms (+4.2 % vs baseline 72 ms)');
    expect(
      describeCheck({
        ...regression,
        passed: true,
        regression: { ...figures, baselineMs: null, unjudged: 'no baseline was read' },
      }),
    ).toBe('regression.p95 not judged (no baseline was read)');
  });

  it('lists only the phases that rose by both +50 % and +5 ms, or says they did not move', () => {
    const phases = (connect: number, ttfb: number, download: number) =>
      ({
        ...run('login', 0, 1),
        phasesMs: {
          connect: { count: 3, p50: connect, p95: connect },
          ttfb: { count: 3, p50: ttfb, p95: ttfb },
          download: { count: 3, p50: download, p95: download },
        },
      }) as RunResult;
    const good = phases(10, 100, 2);

    expect(phaseLine(phases(4, 400, 6), good)).toEqual([
      'Phases that rose (+50 % and +5 ms p95 vs the previous good run): ttfb 400 ms (was 100 ms)',
    ]);
    // download tripled but by 4 ms; connect got faster; ttfb rose 20 %: none moved.
    expect(phaseLine(phases(4, 120, 6), good)).toEqual([
      'Phases: unchanged (none rose by +50 % and +5 ms p95 vs the previous good run)',
    ]);
    expect(phaseLine(phases(4, 400, 6), undefined)).toEqual([]);
  });

  it('says "no request completed" for a run without requests, not an error rate of 0 %', () => {
    const empty = { ...run('login', 0, 1), requests: { total: 0, ok: 0, failed: 0 } } as RunResult;
    expect(runFigures(empty)).toBe('0 requests, valid, no request completed');
  });

  it('reads spans the way on-call says them', () => {
    expect([45_000, 14 * 60_000, 125 * 60_000, 50 * 3_600_000].map(formatSpan)).toEqual([
      '45 s',
      '14 min',
      '2 h 5 min',
      '2 d 2 h',
    ]);
  });

  it('finds the likely fix of an invalid run in its reasons', () => {
    expect(
      likelyFix(['only 2 of 6 shards reported: worker error TooManyRequestsException: Rate Exceeded']),
    ).toMatch(/^workers were throttled: raise the environment's caps\.maxShards/);
    expect(likelyFix(['something new'])).toMatch(/^read the stored run's validity reasons/);
  });
});

describe('one incident, not a storm', () => {
  const alarm = `${names.alarmPrefix}probe.login.sla`;
  const at = (minute: number, from: string, to: string) => {
    const e = event(alarm, from, to);
    const timestamp = new Date(Date.UTC(2026, 10, 30, 3, minute)).toISOString().replace('Z', '+0000');
    return { ...e, detail: { ...e.detail, state: { ...e.detail.state, timestamp } } };
  };

  it('holds the recovery at OK, continues the incident on an ALARM before it is announced, and tells the first flap only', () => {
    const opened = nextIncident(undefined, at(0, 'OK', 'ALARM'));
    const paged = { ...opened.next, notifiedAt: opened.next.openedAt };
    const ok = nextIncident(paged, at(5, 'ALARM', 'OK'));
    const flap = nextIncident(ok.next, at(7, 'OK', 'ALARM'));
    const secondFlap = nextIncident(nextIncident(flap.next, at(8, 'ALARM', 'OK')).next, at(9, 'OK', 'ALARM'));
    const closed = { ...secondFlap.next, recoveredAt: '2026-11-30T03:15:00.000Z' };
    const later = nextIncident(closed, at(20, 'OK', 'ALARM'));

    expect(opened).toMatchObject({
      flapping: false,
      alreadyTold: false,
      dedupKey: `${alarm}@2026-11-30T03:00:00.000Z`,
    });
    expect(ok).toMatchObject({ dedupKey: opened.dedupKey, next: { okAt: '2026-11-30T03:05:00.000Z' } });
    expect(flap).toMatchObject({
      flapping: true,
      alreadyTold: false,
      dedupKey: opened.dedupKey,
      next: { flaps: 1 },
    });
    expect(flap.next.okAt).toBeUndefined();
    expect(secondFlap).toMatchObject({ flapping: true, alreadyTold: true, next: { flaps: 2 } });
    expect(later).toMatchObject({ flapping: false, dedupKey: `${alarm}@2026-11-30T03:20:00.000Z` });
  });

  it('takes an ALARM older than the OK (EventBridge does not promise order) for no flap, and a repeated ALARM for the same incident', () => {
    const opened = nextIncident(undefined, at(0, 'OK', 'ALARM'));
    const paged = { ...opened.next, notifiedAt: opened.next.openedAt };
    const ok = nextIncident(paged, at(5, 'ALARM', 'OK'));

    expect(nextIncident(ok.next, at(4, 'OK', 'ALARM'))).toMatchObject({ flapping: false, alreadyTold: true });
    expect(nextIncident(paged, at(1, 'OK', 'ALARM'))).toMatchObject({
      dedupKey: opened.dedupKey,
      alreadyTold: true,
    });
  });
});

describe('silences', () => {
  const silence = (probeId: string | undefined, startsAt: string, endsAt: string) => ({
    id: `${startsAt}#0000`,
    environment: 'prod',
    probeId,
    reason: 'maintenance',
    startsAt,
    endsAt,
  });

  it('hold pages of their probe (or of every probe) from start to end, never after', () => {
    const all = [
      silence('login', '2026-11-30T03:00:00.000Z', '2026-11-30T04:00:00.000Z'),
      silence(undefined, '2026-11-30T05:00:00.000Z', '2026-11-30T05:30:00.000Z'),
    ];
    const at = (time: string) => Date.parse(`2026-11-30T${time}:00.000Z`);

    expect(activeSilence(all, 'login', at('03:30'))?.probeId).toBe('login');
    expect(activeSilence(all, 'health', at('03:30'))).toBeUndefined();
    expect(activeSilence(all, 'health', at('05:10'))?.probeId).toBeUndefined();
    expect(activeSilence(all, 'health', at('05:10'))).toBeDefined();
    expect(activeSilence(all, 'login', at('04:00'))).toBeUndefined();
  });
});

describe('maintenance windows', () => {
  const sunday = { cron: 'cron(0 2 ? * SUN *)', timezone: 'Europe/Berlin', durationMs: 2 * 3_600_000 };

  it("hold pages from each start in the window's time zone for its duration", () => {
    // 2026-11-29 is a Sunday; 02:00 in Berlin (CET) is 01:00 UTC.
    expect(maintenanceAt([sunday], Date.parse('2026-11-29T01:30:00Z'))).toEqual({
      window: sunday,
      endsAt: '2026-11-29T03:00:00.000Z',
    });
    expect(maintenanceAt([sunday], Date.parse('2026-11-29T00:59:00Z'))).toBeUndefined();
    expect(maintenanceAt([sunday], Date.parse('2026-11-29T03:00:00Z'))).toBeUndefined();
    expect(maintenanceAt([sunday], Date.parse('2026-11-28T01:30:00Z'))).toBeUndefined();
  });

  it('are validated in the suite, naming the field', () => {
    const suite = (maintenance: unknown) => ({
      name: 'bank',
      environments: { prod: { baseUrl: 'https://api.example.com', maintenance } },
      probes: [{ id: 'login', request: { url: '/login' } }],
    });

    expect(() => validateSuite(suite([{ cron: 'cron(0 2 * *)', duration: '2h' }]))).toThrow(
      /environments\.prod\.maintenance\[0\]\.cron: expected six cron fields/,
    );
    expect(() =>
      validateSuite(suite([{ cron: 'cron(0 2 ? * SUN *)', duration: '2h', timezone: 'Mars/Olympus' }])),
    ).toThrow(/environments\.prod\.maintenance\[0\]\.timezone: expected an IANA time zone/);
    expect(
      validateSuite(suite([{ cron: 'cron(0 2 ? * SUN *)', duration: '2h' }])).environments.prod!.maintenance,
    ).toEqual([{ cron: 'cron(0 2 ? * SUN *)', duration: 7_200_000, timezone: 'UTC' }]);
  });
});
