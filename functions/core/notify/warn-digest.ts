import type { RunResult } from '../run-result.ts';
import type { SlaCheck } from '../sla.ts';
import { describeCheck, formatInstant } from './figures.ts';
import {
  ascii,
  clipTo,
  linkLines,
  linksOf,
  type Notification,
  runsText,
  SMS_MAX,
  SUBJECT_MAX,
} from './notification.ts';
import type { TickContext } from './tick-messages.ts';

/** Warn-level notices go out at most this often, as one digest: a target missed, never a page. */
export const WARN_BATCH_MS = 3_600_000;

export interface ProbeWarnings {
  readonly probeId: string;
  /** Valid runs in the hour. */
  readonly runs: number;
  /** Valid runs with a failed warn-level check, newest first. */
  readonly warned: readonly { readonly run: RunResult; readonly checks: readonly SlaCheck[] }[];
}

/** A probe's valid runs whose warn-level checks failed (critical ones page through the alarms instead). */
export function probeWarnings(probeId: string, runs: readonly RunResult[]): ProbeWarnings {
  const valid = runs.filter((r) => r.validity.valid);
  const warned = valid
    .map((run) => ({ run, checks: run.sla.checks.filter((c) => c.severity === 'warn' && !c.passed) }))
    .filter((w) => w.checks.length > 0);
  return { probeId, runs: valid.length, warned };
}

/** One digest of the hour's warn-level breaches, per probe: how many runs, which checks, the worst figure. */
export function warnDigestMessage(
  context: TickContext,
  probes: readonly ProbeWarnings[],
  fromMs: number,
  toMs: number,
): Notification {
  const label = context.names.alarmPrefix.replace(/^perfprobe\.|\.$/g, '').replace('.', '/');
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
  const fitted = clipTo(ascii(subject), SUBJECT_MAX);
  return {
    kind: 'warnings',
    dedupKey,
    subject: fitted,
    text,
    sms: clipTo(fitted, SMS_MAX),
    links,
    runbook: undefined,
    runId: undefined,
  };
}
