import { invalidRunsToAlarm } from '../cloud/alert-policy.ts';
import type { DeployedNames } from '../cloud/deployed-suite.ts';
import { formatMs } from '../durations.ts';
import type { ResolvedProbe } from '../plan.ts';
import type { RunResult } from '../run-result.ts';
import type { SlaCheck } from '../sla.ts';
import { type AlarmStateChangeEvent, alarmTime, latestDatapoint } from './alarm-event.ts';
import type { AlarmSubject } from './alarm-subject.ts';
import { type ConsoleLinks, consoleLinks } from './console-links.ts';
import { describeCheck, formatInstant, formatMillis, formatPercent, formatSpan } from './figures.ts';
import type { MissingRuns } from './heartbeat-due.ts';
import type { IncidentStep } from './incident.ts';
import { likelyFix } from './likely-fix.ts';

export type NotificationKind =
  | 'breach'
  | 'flapping'
  | 'recovery'
  | 'cannot-measure'
  | 'measuring-again'
  | 'no-runs'
  | 'running-again'
  | 'perfprobe-failing'
  | 'perfprobe-recovered'
  | 'reminder'
  | 'silence-ended'
  | 'kill-switch-on'
  | 'warnings';

/** One page, in the words every subscription protocol gets (see snsMessage). */
export interface Notification {
  readonly kind: NotificationKind;
  /** One incident's key, the same for its ALARM and its OK: "<alarm name>@<ISO time it went into ALARM>". */
  readonly dedupKey: string;
  /** The email subject: ASCII, one line, under 100 characters (SNS refuses anything else). */
  readonly subject: string;
  /** The readable text (email; the reason and description of the alarm-shaped JSON). */
  readonly text: string;
  /** At most SMS_MAX characters. */
  readonly sms: string;
  readonly links: ConsoleLinks;
  readonly runbook: string | undefined;
  /** The run the message is about, when one was stored. */
  readonly runId: string | undefined;
}

export type NotificationDecision =
  | { readonly notify: true; readonly notification: Notification }
  | { readonly notify: false; readonly why: string };

export interface NotificationInput {
  readonly event: AlarmStateChangeEvent;
  readonly names: DeployedNames;
  readonly subject: AlarmSubject;
  /** The alarm's probe, for probe alarms. */
  readonly probe?: ResolvedProbe | undefined;
  /** The probe's stored runs, newest first. */
  readonly runs?: readonly RunResult[] | undefined;
  /** Why the runs could not be read: the page still goes out, with CloudWatch's own reason. */
  readonly runsUnavailable?: string | undefined;
  /** The window the runs were read from, for "none in the last 24 h". */
  readonly windowMs?: number | undefined;
  readonly table?: string | undefined;
  /** The incident this change belongs to (see nextIncident): its dedupKey, and whether it is flapping. */
  readonly incident?: IncidentStep | undefined;
  /** False when the stack has no dashboard (ProbeSuite's `dashboard: false`): no link to one. */
  readonly dashboard?: boolean | undefined;
  /** For a recovery announced after alert.recoverAfter passing runs: when CloudWatch said OK, and the runs. */
  readonly recovery?: { readonly okAt: string; readonly passing: number } | undefined;
  /** For a heartbeat page: the runs that were due and are missing (see heartbeatVerdict). */
  readonly missing?: MissingRuns | undefined;
}

/** SNS subjects must be under 100 characters. */
export const SUBJECT_MAX = 99;
/** One SMS segment of GSM characters is 160; longer messages are split and cost more. */
export const SMS_MAX = 160;
const SAMPLE_MAX = 200;
const SAMPLES_SHOWN = 3;

export const ascii = (text: string) => text.replace(/[^\x20-\x7e]/g, '?');
export const clipTo = (text: string, max: number) =>
  text.length <= max ? text : `${text.slice(0, max - 3)}...`;

function iso(timestamp: string): string {
  return new Date(alarmTime(timestamp)).toISOString();
}

/**
 * Whether a state change is news for on-call, and if so the page. Nothing for a change into or out of
 * INSUFFICIENT_DATA that never was an alarm: a new alarm's first verdict, or a probe without data yet.
 */
export function renderNotification(input: NotificationInput): NotificationDecision {
  const { state, previousState } = input.event.detail;
  if (state.value === 'INSUFFICIENT_DATA') {
    return { notify: false, why: `${previousState.value} -> INSUFFICIENT_DATA is no verdict` };
  }
  if (state.value === 'OK' && previousState.value !== 'ALARM') {
    return { notify: false, why: `${previousState.value} -> OK: there was no incident to resolve` };
  }
  const opened = state.value === 'ALARM';
  const dedupKey =
    input.incident?.dedupKey ??
    `${input.event.detail.alarmName}@${iso(opened ? state.timestamp : previousState.timestamp)}`;
  const notification =
    input.subject.kind === 'system' || input.probe === undefined || input.subject.check === 'store-failed'
      ? systemMessage(input, opened, dedupKey)
      : probeMessage(input, input.probe, input.subject.check, opened, dedupKey);
  return { notify: true, notification };
}

export function linksOf(
  input: Pick<NotificationInput, 'event' | 'names' | 'table' | 'dashboard'>,
  probe?: ResolvedProbe,
  alarmName = input.event.detail.alarmName,
): ConsoleLinks {
  return consoleLinks({
    region: input.event.region,
    dashboard: input.dashboard === false ? undefined : input.names.dashboard,
    alarmName,
    table: input.table,
    partitionKey: probe && `${probe.environment}#${probe.id}`,
  });
}

export function linkLines(
  links: ConsoleLinks,
  runbook: string | undefined,
  dedupKey: string,
  command?: string,
): string[] {
  return [
    ...(runbook ? [`Runbook:   ${runbook}`] : []),
    ...(links.dashboard ? [`Dashboard: ${links.dashboard}`] : []),
    `Alarm:     ${links.alarm}`,
    ...(links.runs ? [`Runs:      ${links.runs}`] : []),
    ...(command ? [`From a shell: ${command}`] : []),
    `Incident:  ${dedupKey}`,
  ];
}

export function runFigures(run: RunResult): string {
  const { total, ok, failed } = run.requests;
  const validity = run.validity.valid ? 'valid' : 'INVALID';
  const latency =
    run.latencyMs.max > 0
      ? `, p50 ${formatMillis(run.latencyMs.p50)}, p95 ${formatMillis(run.latencyMs.p95)}, p99 ${formatMillis(run.latencyMs.p99)}`
      : ', no response completed';
  // Without a request there is no rate: "errorRate 0 %" would read as healthy.
  if (total === 0) return `0 requests, ${validity}, no request completed`;
  return `${total} requests (${ok} ok, ${failed} failed), ${validity}${latency}, errorRate ${formatPercent(run.errorRate)}`;
}

export function errorLines(run: RunResult): string[] {
  const counts = Object.entries(run.errors).filter(([, n]) => (n ?? 0) > 0);
  if (counts.length === 0) return [];
  counts.sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0));
  // Samples were redacted where they were recorded (functions/core/redact.ts): no secret value reaches here.
  const samples = run.sampleErrors.slice(0, SAMPLES_SHOWN).map((s) => `  e.g. ${clipTo(s, SAMPLE_MAX)}`);
  return [`Errors: ${counts.map(([name, n]) => `${name} ${n}`).join(', ')}`, ...samples];
}

/** A phase "moved" when its p95 rose by both this share and PHASE_RISE_MS over the previous good run's. */
export const PHASE_RISE_SHARE = 0.5;
export const PHASE_RISE_MS = 5;
const PHASE_RULE = `+${PHASE_RISE_SHARE * 100} % and +${PHASE_RISE_MS} ms p95 vs the previous good run`;

/**
 * Where the time went: only the phases whose p95 rose noticeably against the good run (a phase that got faster
 * or barely moved says nothing about the breach). Without a good run there is nothing to compare.
 */
export function phaseLine(run: RunResult, good: RunResult | undefined): string[] {
  const phases = Object.entries(run.phasesMs ?? {});
  if (phases.length === 0 || good?.phasesMs === undefined) return [];
  const rose = phases.flatMap(([name, summary]) => {
    const was = good.phasesMs?.[name as keyof NonNullable<RunResult['phasesMs']>];
    if (!summary || !was) return [];
    const now = summary.p95;
    const moved = now - was.p95 >= PHASE_RISE_MS && now >= was.p95 * (1 + PHASE_RISE_SHARE);
    return moved ? [`${name} ${formatMillis(now)} (was ${formatMillis(was.p95)})`] : [];
  });
  return [
    rose.length > 0
      ? `Phases that rose (${PHASE_RULE}): ${rose.join(', ')}`
      : `Phases: unchanged (none rose by ${PHASE_RULE})`,
  ];
}

function previousGood(runs: readonly RunResult[], windowMs: number | undefined): string {
  const good = runs.find((r) => r.sla.verdict === 'pass');
  if (!good) {
    return `Previous good run: none among the stored runs${windowMs ? ` of the last ${formatMs(windowMs)}` : ''}.`;
  }
  return `Previous good run: ${formatInstant(Date.parse(good.startedAt))}: ${runFigures(good)}.`;
}

export function failedCritical(run: RunResult): SlaCheck[] {
  return run.sla.checks.filter((c) => c.severity === 'critical' && !c.passed);
}

/** A subject within SNS's limit: a long probe name is shortened first, so the figures stay whole. */
export function fitSubject(subject: string, name: string): string {
  const text = ascii(subject);
  if (text.length <= SUBJECT_MAX) return text;
  const keep = Math.max(8, name.length - (text.length - SUBJECT_MAX) - 3);
  return clipTo(text.replace(ascii(name), `${ascii(name).slice(0, keep)}...`), SUBJECT_MAX);
}

/** "1 run", "3 runs". */
export function runsText(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export function who(probe: ResolvedProbe): string {
  return `${probe.environment}/${probe.id}`;
}

function probeMessage(
  input: NotificationInput,
  probe: ResolvedProbe,
  check: string,
  opened: boolean,
  dedupKey: string,
): Notification {
  const runs = input.runs ?? [];
  const links = linksOf(input, probe);
  const label = `probe ${who(probe)} (suite ${probe.suite})`;
  const request = `${probe.request.method} ${probe.request.url}`;
  const reason = input.event.detail.state.reason;
  const unavailable = input.runsUnavailable
    ? [`The stored runs could not be read (${input.runsUnavailable}); CloudWatch says: ${reason}`]
    : [];
  const { atLeast, of } = probe.alert.breachedRuns;
  const valid = runs.filter((r) => r.validity.valid);
  const good = runs.find((r) => r.sla.verdict === 'pass');
  let kind: NotificationKind;
  let subject: string;
  let head: string[];
  let body: string[] = [];
  let about: RunResult | undefined;
  const since = input.event.detail.previousState.timestamp;
  const alarmAt = alarmTime(input.event.detail.state.timestamp);
  const lasted = formatSpan(alarmAt - alarmTime(since));
  // One start for one incident, in the email and the SMS alike: its first bad run when the stored runs show
  // it (labelled so), else the alarm's own time.
  let start: { readonly atMs: number; readonly what: string } | undefined;
  const startText = () =>
    start
      ? `since ${formatInstant(start.atMs)} (${start.what}), alarm at ${formatInstant(alarmAt)}`
      : `alarm at ${formatInstant(alarmAt)}`;

  if (check === 'cannot-measure') {
    const streak = runs.findIndex((r) => r.validity.valid);
    const invalid = streak === -1 ? runs : runs.slice(0, streak);
    about = opened ? invalid[0] : runs[0];
    if (opened) {
      kind = 'cannot-measure';
      const reasons = withoutRepeats([...new Set(invalid.slice(0, 3).flatMap((r) => r.validity.reasons))]);
      const first = invalid.at(-1);
      if (first) start = { atMs: Date.parse(first.startedAt), what: 'first invalid run' };
      const needed = invalidRunsToAlarm(probe);
      // The stored runs may lag what CloudWatch counted (a run still being stored): then say both, never less.
      const count =
        invalid.length >= needed
          ? `${runsText(invalid.length, 'invalid run')} in a row`
          : `invalid runs (the alarm pages at ${needed} in a row)`;
      subject = `CANNOT MEASURE ${who(probe)}: ${count}`;
      head = [
        `CANNOT MEASURE: ${label} could not measure its target in its last ${runsText(invalid.length, 'stored run')} (the alarm pages at ${needed} invalid runs in a row), ${startText()}; its SLA is not being watched.`,
        request,
      ];
      body = [
        ...(about
          ? [`What failed (latest run ${formatInstant(Date.parse(about.startedAt))}, run ${about.runId}):`]
          : []),
        ...reasons.map((r) => `  - ${r}`),
        ...(about ? [`Latest run: ${runFigures(about)}.`] : []),
        `Likely fix: ${likelyFix(reasons)}`,
      ];
    } else {
      kind = 'measuring-again';
      subject = `MEASURING AGAIN ${who(probe)} after ${lasted}`;
      head = [
        `MEASURING AGAIN: ${label} delivers valid runs again; it could not measure for ${lasted} (${formatInstant(alarmTime(since))} to ${formatInstant(alarmTime(input.event.detail.state.timestamp))}).`,
      ];
      body = about ? [`Now (run ${about.runId}): ${runFigures(about)}.`] : [];
    }
  } else if (check === 'heartbeat') {
    const last = runs[0];
    const every = probe.alert.intervalMs ? formatMs(probe.alert.intervalMs) : 'its interval';
    about = last;
    if (opened) {
      kind = 'no-runs';
      // Once the due runs are counted (heartbeatVerdict), subject and head say that count, as the body does.
      const none = input.missing
        ? `${runsText(input.missing.count, 'due run')} missing`
        : `none in the last ${probe.alert.missedRuns} periods of ${every}`;
      subject = `NO RUNS ${who(probe)}: ${none}`;
      head = [
        `NO RUNS: ${label} ${input.missing ? `has ${none}` : `has not run in the last ${probe.alert.missedRuns} periods of ${every}`}; its SLA is not being watched.`,
        request,
      ];
      body = [
        last
          ? `Last stored run: ${formatInstant(Date.parse(last.startedAt))} (${last.sla.verdict}, run ${last.runId}).`
          : `No stored run${input.windowMs ? ` in the last ${formatMs(input.windowMs)}` : ''}.`,
        ...(input.missing ? [input.missing.text] : []),
        "Likely fix: the schedule could not start a run (the stack's schedule dead-letter queue holds the reason: throttling, a missing state machine, a role that cannot start it), or its executions fail (the state machine's failed executions name the state and error).",
      ];
    } else {
      kind = 'running-again';
      subject = `RUNNING AGAIN ${who(probe)} after ${lasted}`;
      head = [`RUNNING AGAIN: ${label} runs again after ${lasted} without runs.`];
      body = last ? [`Now (run ${last.runId}): ${runFigures(last)}.`] : [];
    }
  } else {
    // sla, or a CloudWatch percentile alarm (latency-pXX).
    const window = valid.slice(0, of);
    const breaching = window.filter((r) => r.sla.verdict === 'breach');
    about = opened ? (breaching[0] ?? valid[0]) : valid[0];
    // A flow step's alarm is step-<step>-<key>: the key is last, since step names may hold "-".
    const stepAlarm = /^step-(.+)-(p[\d_]+)$/.exec(check);
    const percentile = check.startsWith('latency-')
      ? check.slice('latency-'.length).replace('_', '.')
      : stepAlarm
        ? stepAlarm[2]!.replace('_', '.')
        : undefined;
    if (opened) {
      kind = 'breach';
      const failed = about ? failedCritical(about) : [];
      const firstBreach = breaching.at(-1);
      if (firstBreach) start = { atMs: Date.parse(firstBreach.startedAt), what: 'first breaching run' };
      if (percentile !== undefined) {
        const step = stepAlarm?.[1];
        const threshold =
          step === undefined ? probe.alert.latency[percentile] : probe.alert.steps[step]?.[percentile];
        const whose = step === undefined ? 'its latency' : `step "${step}"`;
        const observed = latestDatapoint(input.event.detail.state.reasonData);
        const figure = observed === undefined ? 'above' : `${formatMillis(observed)} >`;
        subject = `BREACH ${who(probe)}${step === undefined ? '' : ` ${step}`} CloudWatch ${percentile} ${figure} ${formatMillis(threshold ?? 0)} (${atLeast} of ${of} periods)`;
        head = [
          `BREACH: ${label}: CloudWatch's ${percentile} of ${whose} was above ${formatMillis(threshold ?? 0)} in ${atLeast} of the last ${of} periods${observed === undefined ? '' : ` (latest ${formatMillis(observed)})`}, ${startText()}.`,
          request,
        ];
      } else {
        const lead = failed[0] ? describeCheck(failed[0]) : 'SLA breached';
        const more = failed.length > 1 ? ` +${failed.length - 1}` : '';
        // The count is what the alarm pages on; stored runs that show fewer (one still being stored, one lost)
        // do not make the page read as if it fired early.
        const count =
          breaching.length >= atLeast
            ? `${breaching.length} of ${window.length} runs`
            : `alarm at ${atLeast} of ${of} runs`;
        subject = `BREACH ${who(probe)} ${lead.replace(' (default SLA)', '')}${more} (${count})`;
        const stored =
          breaching.length >= atLeast
            ? ''
            : ` CloudWatch counted at least ${atLeast}; the stored runs show fewer (a run may still be being stored).`;
        head = [
          `BREACH: ${label} broke its SLA in ${breaching.length} of its last ${window.length} valid runs (the alarm pages at ${atLeast} of ${of}), ${startText()}.${stored}`,
          request,
        ];
      }
      body = about
        ? [
            `Failed checks, latest breaching run (${formatInstant(Date.parse(about.startedAt))}, run ${about.runId}):`,
            ...(failed.length > 0 ? failed : about.sla.checks.filter((c) => !c.passed)).map(
              (c) => `  - ${describeCheck(c)}`,
            ),
            `Latest run: ${runFigures(about)}.`,
            ...errorLines(about),
            ...phaseLine(about, good),
            previousGood(runs, input.windowMs),
          ]
        : [];
      const flap = input.incident?.flapping ? input.incident : undefined;
      if (flap?.okAt) {
        kind = 'flapping';
        const back = formatSpan(alarmTime(input.event.detail.state.timestamp) - Date.parse(flap.okAt));
        subject = `${subject
          .replace(/^BREACH /, 'FLAPPING ')
          .replace(/ \((alarm at )?\d+ of \d+ (runs|periods)\)$/, '')} again ${back} after OK`;
        head = [
          `FLAPPING: ${label} is breaching again ${back} after its alarm went back to OK, before alert.recoverAfter (${runsText(probe.alert.recoverAfter ?? 2, 'passing run')}) announced a recovery: the same incident continues (opened ${formatInstant(Date.parse(flap.next.openedAt))}, ${flap.next.flaps === 1 ? 'its first flap' : `flap ${flap.next.flaps}`}). Further flaps of this incident are counted, not sent.`,
          ...head,
        ];
      }
    } else {
      kind = 'recovery';
      // The checks that broke during the incident (its last breaching run), as they read now.
      const broke = new Set(
        runs
          .find((r) => r.sla.verdict === 'breach')
          ?.sla.checks.filter((c) => c.severity === 'critical' && !c.passed)
          .map((c) => c.name),
      );
      const critical = about?.sla.checks.filter((c) => c.severity === 'critical') ?? [];
      const lead = critical.find((c) => broke.has(c.name)) ?? critical[0];
      const now = lead ? `: ${describeCheck(lead).replace(' (default SLA)', '')}` : '';
      subject = `RECOVERED ${who(probe)} after ${lasted}${now}`;
      head = [
        `RECOVERED: ${label} is within its SLA again. The incident lasted ${lasted} (${formatInstant(alarmTime(since))} to ${formatInstant(alarmTime(input.event.detail.state.timestamp))}).`,
      ];
      const recoverAfter = probe.alert.recoverAfter ?? 2;
      body = [
        ...(about
          ? [
              `Now (run ${about.runId}, ${formatInstant(Date.parse(about.startedAt))}): ${runFigures(about)}.`,
              ...about.sla.checks.map((c) => `  - ${describeCheck(c)}`),
            ]
          : []),
        input.recovery
          ? `CloudWatch went back to OK at ${formatInstant(Date.parse(input.recovery.okAt))}; ${runsText(input.recovery.passing, 'passing run')} since (alert.recoverAfter ${recoverAfter}), so the recovery holds${input.incident?.next.flaps ? ` (it flapped ${input.incident.next.flaps === 1 ? 'once' : `${input.incident.next.flaps} times`} before)` : ''}.`
          : `A breach within the next ${runsText(recoverAfter, 'run')}${probe.alert.intervalMs ? ` (${formatMs(recoverAfter * probe.alert.intervalMs)})` : ''} continues this incident as flapping (alert.recoverAfter).`,
      ];
    }
  }
  // The deployed suite does not know its source file; `perfprobe runs` finds the table from the stack outputs.
  const command = input.table
    ? `perfprobe runs <your suite file> --env ${probe.environment} --probe ${probe.id} --region ${input.event.region}`
    : undefined;
  const text = [
    ...head,
    '',
    ...unavailable,
    ...body,
    '',
    ...linkLines(links, probe.runbook, dedupKey, command),
  ].join('\n');
  const asciiSubject = fitSubject(subject, who(probe));
  const sinceText = opened
    ? start
      ? ` Since ${formatInstant(start.atMs)} (${start.what}).`
      : ` Alarm at ${formatInstant(alarmAt)}.`
    : '';
  return {
    kind,
    dedupKey,
    subject: asciiSubject,
    text,
    sms: clipTo(`${asciiSubject}.${sinceText}${probe.runbook ? ` ${probe.runbook}` : ''}`, SMS_MAX),
    links,
    runbook: probe.runbook,
    runId: about?.runId,
  };
}

/**
 * A run's validity reasons without the ones another already says: "no shard reported" repeats "only 0 of N
 * shards reported: <why>", which also says why.
 */
function withoutRepeats(reasons: readonly string[]): string[] {
  const noShard = reasons.some((r) => /^only 0 of \d+ shards? reported/.test(r));
  return reasons.filter((r) => !(noShard && r === 'no shard reported'));
}

/** Store failures and the machinery's alarms: the alarm's own description says what failed and the fix. */
function systemMessage(input: NotificationInput, opened: boolean, dedupKey: string): Notification {
  const { detail } = input.event;
  const links = linksOf(input);
  const label = input.names.alarmPrefix.replace(/^perfprobe\.|\.$/g, '').replace('.', '/');
  const what = detail.alarmName.slice(input.names.alarmPrefix.length);
  const lasted = formatSpan(alarmTime(detail.state.timestamp) - alarmTime(detail.previousState.timestamp));
  const subject = opened
    ? `PERFPROBE FAILING ${label}: ${what}`
    : `PERFPROBE RECOVERED ${label}: ${what} after ${lasted}`;
  const text = [
    opened
      ? `PERFPROBE FAILING (${label}): ${detail.configuration?.description ?? what}`
      : `PERFPROBE RECOVERED (${label}): ${what} is back to OK after ${lasted}.`,
    '',
    `CloudWatch says: ${detail.state.reason}`,
    '',
    ...linkLines(links, undefined, dedupKey),
  ].join('\n');
  return machineryNotification(
    opened ? 'perfprobe-failing' : 'perfprobe-recovered',
    dedupKey,
    subject,
    text,
    links,
  );
}

/** A message about the stack's own machinery, not a probe: no run, no runbook, and its subject is its SMS. */
export function machineryNotification(
  kind: NotificationKind,
  dedupKey: string,
  subject: string,
  text: string,
  links: ConsoleLinks,
): Notification {
  const asciiSubject = clipTo(ascii(subject), SUBJECT_MAX);
  return {
    kind,
    dedupKey,
    subject: asciiSubject,
    text,
    sms: clipTo(asciiSubject, SMS_MAX),
    links,
    runbook: undefined,
    runId: undefined,
  };
}
