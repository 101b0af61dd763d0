import type { ProbeAlarmKind } from '../../cloud/deployed-suite.ts';
import type { ResolvedProbe } from '../../plan.ts';
import type { RunResult } from '../../run-result.ts';
import { alarmTime } from '../alarm-event.ts';
import { type ConsoleLinks, consoleLinks } from '../console-links.ts';
import { formatInstant, formatSpan } from '../figures.ts';
import { type NotificationInput, SMS_MAX, SUBJECT_MAX } from '../notification.ts';

/*
 * The named parts every message is composed from, as Alertmanager's default.tmpl names `__subject` and
 * `__text_alert_list`: the subject, the links and runbook, since when. The figures are in run-figures.ts,
 * the composition of a whole page in page.ts.
 */

/** A probe alarm's state change, as every probe page reads it (see renderNotification). */
export interface ProbeAlarm extends NotificationInput {
  readonly probe: ResolvedProbe;
  /** The alarm's check: sla, heartbeat, cannot-measure, latency-pXX or step-<step>-pXX. */
  readonly check: ProbeAlarmKind;
  /** The probe's stored runs, newest first. */
  readonly runs: readonly RunResult[];
  readonly dedupKey: string;
}

// The subject.

export const ascii = (text: string) => text.replace(/[^\x20-\x7e]/g, '?');
export const clipTo = (text: string, max: number) =>
  text.length <= max ? text : `${text.slice(0, max - 3)}...`;

/** A subject within SNS's limit: a long probe name is shortened first, so the figures stay whole. */
export function fitSubject(subject: string, name: string): string {
  const text = ascii(subject);
  if (text.length <= SUBJECT_MAX) return text;
  const keep = Math.max(8, name.length - (text.length - SUBJECT_MAX) - 3);
  return clipTo(text.replace(ascii(name), `${ascii(name).slice(0, keep)}...`), SUBJECT_MAX);
}

/** "prod/login". */
export function who(probe: ResolvedProbe): string {
  return `${probe.environment}/${probe.id}`;
}

/** "probe prod/login (suite bank)". */
export function probeLabel(probe: ResolvedProbe): string {
  return `probe ${who(probe)} (suite ${probe.suite})`;
}

/** "GET https://api.example.com/login". */
export function requestLine(probe: ResolvedProbe): string {
  return `${probe.request.method} ${probe.request.url}`;
}

/** "bank/prod", from the stack's alarm prefix "perfprobe.bank.prod.". */
export function stackLabel(alarmPrefix: string): string {
  return alarmPrefix.replace(/^perfprobe\.|\.$/g, '').replace('.', '/');
}

/** "1 run", "3 runs". */
export function runsText(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

// The links and the runbook.

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

/** The probe's runs from a shell, when the stack has a table. */
export function runsCommand(alarm: ProbeAlarm): string | undefined {
  // The deployed suite does not know its source file; `perfprobe runs` finds the table from the stack outputs.
  return alarm.table
    ? `perfprobe runs <your suite file> --deployed --env ${alarm.probe.environment} --probe ${alarm.probe.id} --region ${alarm.event.region}`
    : undefined;
}

/** The SMS: the subject, since when (for a page that opens an incident) and the runbook, clipped to one SMS. */
export function smsText(subject: string, since: string, runbook: string | undefined): string {
  return clipTo(`${subject}.${since}${runbook ? ` ${runbook}` : ''}`, SMS_MAX);
}

// Since when.

/**
 * One start for one incident, in the email and the SMS alike: its first bad run when the stored runs show it
 * (labelled so), else the alarm's own time.
 */
export interface SinceWhen {
  readonly alarmAtMs: number;
  readonly first: { readonly atMs: number; readonly what: string } | undefined;
}

/** Since when: from the incident's first bad run among the stored runs (named `what`), if any. */
export function sinceWhen(
  alarm: ProbeAlarm,
  firstBad?: { readonly run: RunResult | undefined; readonly what: string },
): SinceWhen {
  const run = firstBad?.run;
  return {
    alarmAtMs: alarmTime(alarm.event.detail.state.timestamp),
    first: run && firstBad && { atMs: Date.parse(run.startedAt), what: firstBad.what },
  };
}

/** "since <first bad run> (first breaching run), alarm at <time>", for the text's first line. */
export function sinceLine({ alarmAtMs, first }: SinceWhen): string {
  const alarmAt = `alarm at ${formatInstant(alarmAtMs)}`;
  return first ? `since ${formatInstant(first.atMs)} (${first.what}), ${alarmAt}` : alarmAt;
}

/** " Since <first bad run> (first breaching run).", for the SMS. */
export function sinceSms({ alarmAtMs, first }: SinceWhen): string {
  return first
    ? ` Since ${formatInstant(first.atMs)} (${first.what}).`
    : ` Alarm at ${formatInstant(alarmAtMs)}.`;
}

/** How long a closing incident lasted, and from when to when (CloudWatch's ALARM to its OK). */
export function lastedOf(alarm: Pick<NotificationInput, 'event'>): { lasted: string; fromTo: string } {
  const from = alarmTime(alarm.event.detail.previousState.timestamp);
  const to = alarmTime(alarm.event.detail.state.timestamp);
  return { lasted: formatSpan(to - from), fromTo: `${formatInstant(from)} to ${formatInstant(to)}` };
}
