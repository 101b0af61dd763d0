import type { DeployedNames, ProbeAlarmKind } from '../../cloud/deployed-suite.ts';
import type { ResolvedProbe } from '../../plan.ts';
import type { RunResult } from '../../run-result.ts';
import type { AlarmStateChangeEvent } from '../alarm-event.ts';
import { describeCheck, formatInstant, formatSpan } from '../figures.ts';
import type { IncidentState } from '../incident.ts';
import { type Notification, SUBJECT_MAX } from '../notification.ts';
import { HELD_LINES_MAX, type Silence } from '../silence.ts';
import type { ProbeWarnings } from '../warn-digest.ts';
import { environmentNotification } from './page.ts';
import {
  ascii,
  clipTo,
  fitSubject,
  linkLines,
  linksOf,
  probeLabel,
  requestLine,
  runsText,
  smsText,
  stackLabel,
  who,
} from './parts.ts';
import { errorLines, failedCritical, runFigures } from './run-figures.ts';

/*
 * The tick's notices: reminders of open incidents, the summary of an ended silence, the kill switch, the hour's
 * warn-level digest.
 */

/** What the tick's messages need of the deployment, besides the incident. */
export interface TickContext {
  /** A later alarm event for the message's alarm (see laterAlarmEvent): region, account, states. */
  readonly event: AlarmStateChangeEvent;
  readonly names: DeployedNames;
  readonly table?: string | undefined;
  readonly dashboard?: boolean | undefined;
}

/** A notice: its lines, then the links (an alarm's only for a real alarm) and the runbook of its probe. */
function notice(
  context: TickContext,
  kind: Notification['kind'],
  dedupKey: string,
  subject: string,
  lines: string[],
  probe?: ResolvedProbe,
  runId?: string,
): Notification {
  const links = linksOf(context, probe);
  // Only a real alarm gets a link to one (the kill switch and a quiet silence summary have none).
  const alarm =
    probe !== undefined || (context.event.detail.state.value === 'ALARM' && kind === 'silence-ended');
  const text = [
    ...lines,
    '',
    ...linkLines(links, probe?.runbook, dedupKey).filter((line) => alarm || !line.startsWith('Alarm:')),
  ].join('\n');
  const fitted = probe ? fitSubject(subject, who(probe)) : clipTo(ascii(subject), SUBJECT_MAX);
  return {
    kind,
    dedupKey,
    subject: fitted,
    text,
    sms: smsText(fitted, '', probe?.runbook),
    links,
    runbook: probe?.runbook,
    runId,
  };
}

/** What the latest runs say now, for a reminder: the failed checks, or why nothing is measured. */
function latestLines(
  check: ProbeAlarmKind,
  runs: readonly RunResult[],
  nowMs: number,
): { lead: string; lines: string[] } {
  const latest = runs[0];
  if (!latest) return { lead: 'no stored run', lines: ['No stored run in the window read.'] };
  const at = `${formatInstant(Date.parse(latest.startedAt))}, run ${latest.runId}`;
  if (check === 'heartbeat') {
    return {
      lead: `last run ${formatSpan(nowMs - Date.parse(latest.startedAt))} ago`,
      lines: [`Last stored run: ${at}: ${runFigures(latest)}.`],
    };
  }
  if (check === 'cannot-measure') {
    return {
      lead: latest.validity.valid ? 'measuring again' : 'still invalid',
      lines: [
        `Latest run (${at}): ${runFigures(latest)}.`,
        ...latest.validity.reasons.slice(0, 3).map((r) => `  - ${r}`),
      ],
    };
  }
  const valid = runs.find((r) => r.validity.valid) ?? latest;
  const failed = failedCritical(valid);
  return {
    lead: failed[0]
      ? describeCheck(failed[0]).replace(' (default SLA)', '')
      : `latest run ${valid.sla.verdict}`,
    lines: [
      `Latest valid run (${formatInstant(Date.parse(valid.startedAt))}, run ${valid.runId}): ${runFigures(valid)}.`,
      ...valid.sla.checks.filter((c) => !c.passed).map((c) => `  - ${describeCheck(c)}`),
      ...errorLines(valid),
    ],
  };
}

/** REMINDER: the incident is still open, for how long, and what the latest runs say (same dedupKey). */
export function reminderMessage(
  context: TickContext,
  probe: ResolvedProbe,
  check: ProbeAlarmKind,
  incident: IncidentState,
  runs: readonly RunResult[],
  nowMs: number,
): Notification {
  const open = formatSpan(nowMs - Date.parse(incident.openedAt));
  const { lead, lines } = latestLines(check, runs, nowMs);
  const flaps = incident.flaps > 0 ? `, ${incident.flaps === 1 ? '1 flap' : `${incident.flaps} flaps`}` : '';
  return notice(
    context,
    'reminder',
    incident.dedupKey,
    `REMINDER ${who(probe)} ${check} open ${open}: ${lead}`,
    [
      `REMINDER: the ${check} incident of ${probeLabel(probe)} is still open after ${open} (since ${formatInstant(Date.parse(incident.openedAt))}${flaps}); alert.remind repeats this every ${formatSpan(probe.alert.remindMs ?? 0)} until it recovers.`,
      requestLine(probe),
      '',
      ...lines,
    ],
    probe,
    runs[0]?.runId,
  );
}

/** What one probe did while a silence held its pages. */
export interface SilencedProbe {
  readonly probeId: string;
  readonly runs: number;
  readonly breached: number;
  readonly invalid: number;
}

/**
 * SILENCE ENDED: the pages the silence held, what the probes did meanwhile, and what is still open. When a
 * breach is still open the message is the page (ALARM, the open incident's dedupKey); otherwise a notice.
 */
export function silenceEndedMessage(
  context: TickContext,
  silence: Silence,
  probes: readonly SilencedProbe[],
  stillOpen: readonly IncidentState[],
): Notification {
  const scope = silence.probeId
    ? `${silence.environment}/${silence.probeId}`
    : `every probe of ${silence.environment}`;
  const held = silence.held ?? [];
  const span = formatSpan(Date.parse(silence.endsAt) - Date.parse(silence.startsAt));
  const what = silence.kind === 'maintenance' ? 'Maintenance window' : `Silence ${silence.id}`;
  const open = stillOpen.map((i) => i.alarmName.slice(context.names.alarmPrefix.length));
  const subject = `SILENCE ENDED ${silence.probeId ? `${silence.environment}/${silence.probeId}` : silence.environment}: ${runsText(held.length, 'page')} held, ${stillOpen.length === 0 ? 'nothing open' : `${stillOpen.length} still open`}`;
  const lines = [
    `SILENCE ENDED: ${what} (${silence.reason}) of ${scope}, ${formatInstant(Date.parse(silence.startsAt))} to ${formatInstant(Date.parse(silence.endsAt))} (${span}), held ${runsText(held.length, 'page')}:`,
    ...held.slice(0, HELD_LINES_MAX).map((line) => `  - ${line}`),
    ...(held.length > HELD_LINES_MAX ? [`  - and ${held.length - HELD_LINES_MAX} more`] : []),
    '',
    'Meanwhile (runs stored during the silence):',
    ...probes.map(
      (p) => `  - ${p.probeId}: ${runsText(p.runs, 'run')}, ${p.breached} breached, ${p.invalid} invalid`,
    ),
    '',
    stillOpen.length === 0
      ? 'Nothing is open now: every alarm that was held has recovered.'
      : `Still open, so this message pages: ${open.join(', ')} (since ${stillOpen.map((i) => formatInstant(Date.parse(i.openedAt))).join(', ')}).`,
  ];
  const dedupKey = stillOpen[0]?.dedupKey ?? `${context.names.alarmPrefix}silence@${silence.id}`;
  return notice(context, 'silence-ended', dedupKey, subject, lines);
}

/** A reminder every KILL_SWITCH_REMIND_MS while the environment's kill switch is on. */
export const KILL_SWITCH_REMIND_MS = 86_400_000;

export function killSwitchMessage(
  context: TickContext,
  parameter: string,
  incident: IncidentState,
  nowMs: number,
): Notification {
  const label = stackLabel(context.names.alarmPrefix);
  const on = formatSpan(nowMs - Date.parse(incident.openedAt));
  return notice(
    context,
    'kill-switch-on',
    incident.dedupKey,
    `KILL SWITCH ON ${label} for ${on}: no probe is measuring`,
    [
      `KILL SWITCH ON: ${parameter} has been "on" for ${on} (seen on since ${formatInstant(Date.parse(incident.openedAt))}): no probe of ${label} sends load, stores a run or judges its SLA. Their heartbeats still beat, so no alarm pages for it; this reminder comes every ${formatSpan(KILL_SWITCH_REMIND_MS)} while it stays on.`,
      `Resume: aws ssm put-parameter --overwrite --name ${parameter} --value off`,
    ],
  );
}

/** One digest of the hour's warn-level breaches, per probe: how many runs, which checks, the worst figure. */
export function warnDigestMessage(
  context: TickContext,
  probes: readonly ProbeWarnings[],
  fromMs: number,
  toMs: number,
): Notification {
  const label = stackLabel(context.names.alarmPrefix);
  const warned = probes.filter((p) => p.warned.length > 0);
  const total = warned.reduce((n, p) => n + p.warned.length, 0);
  const lines = warned.flatMap((p) => {
    const latest = p.warned[0]!;
    return [
      `${p.probeId}: ${p.warned.length} of ${runsText(p.runs, 'valid run')} missed a warn-level target; latest (${formatInstant(Date.parse(latest.run.startedAt))}, run ${latest.run.runId}):`,
      ...latest.checks.map((c) => `  - ${describeCheck(c)}`),
    ];
  });
  const subject = `WARN ${label}: ${runsText(total, 'run')} of ${warned.map((p) => p.probeId).join(', ')} missed a warn-level SLA`;
  const dedupKey = `${context.names.alarmPrefix}system.warnings@${new Date(toMs).toISOString()}`;
  const links = linksOf(context);
  const text = [
    `WARN (${label}): warn-level SLA targets missed between ${formatInstant(fromMs)} and ${formatInstant(toMs)}. Nothing pages for these (critical thresholds do); this digest comes at most hourly.`,
    '',
    ...lines,
    '',
    ...linkLines(links, undefined, dedupKey).filter((l) => !l.startsWith('Alarm:')),
  ].join('\n');
  return environmentNotification('warnings', dedupKey, subject, text, links);
}
