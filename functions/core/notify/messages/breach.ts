import type { RunResult } from '../../run-result.ts';
import type { SlaCheck } from '../../sla.ts';
import { latestDatapoint } from '../alarm-event.ts';
import { describeCheck, formatInstant, formatMillis } from '../figures.ts';
import type { Notification } from '../notification.ts';
import { type ProbePage, probeNotification } from './page.ts';
import {
  type ProbeAlarm,
  probeLabel,
  requestLine,
  type SinceWhen,
  sinceLine,
  sinceWhen,
  who,
} from './parts.ts';
import {
  errorLines,
  failedCritical,
  phaseLine,
  previousGoodLine,
  runFigures,
  traceLines,
} from './run-figures.ts';

/** BREACH: the SLA broke in enough of the alarm's runs (or CloudWatch's percentile did); which checks, since when. */
export function breachMessage(alarm: ProbeAlarm): Notification {
  return probeNotification(alarm, breachPage(alarm));
}

/** The breach's words, which a flap repeats under its own first line. */
export function breachPage(alarm: ProbeAlarm): ProbePage {
  const valid = alarm.runs.filter((r) => r.validity.valid);
  const window = valid.slice(0, alarm.probe.alert.breachedRuns.of);
  const breaching = window.filter((r) => r.sla.verdict === 'breach');
  const about = breaching[0] ?? valid[0];
  const failed = about ? failedCritical(about) : [];
  const since = sinceWhen(alarm, { run: breaching.at(-1), what: 'first breaching run' });
  const percentile = percentileAlarm(alarm.check);
  const { subject, head } = percentile
    ? percentileHead(alarm, percentile, since)
    : slaHead(alarm, breaching.length, window.length, failed, since);
  const body = breachBody(alarm, about, failed, percentile !== undefined);
  return { kind: 'breach', subject, head, body, about, since };
}

/** A CloudWatch percentile alarm: latency-pXX, or a flow step's step-<step>-pXX (the key is last: steps hold "-"). */
function percentileAlarm(check: string): { percentile: string; step: string | undefined } | undefined {
  if (check.startsWith('latency-')) {
    return { percentile: check.slice('latency-'.length).replace('_', '.'), step: undefined };
  }
  const stepAlarm = /^step-(.+)-(p[\d_]+)$/.exec(check);
  return stepAlarm ? { percentile: stepAlarm[2]!.replace('_', '.'), step: stepAlarm[1] } : undefined;
}

function percentileHead(
  alarm: ProbeAlarm,
  { percentile, step }: { percentile: string; step: string | undefined },
  since: SinceWhen,
): { subject: string; head: string[] } {
  const { probe } = alarm;
  const { atLeast, of } = probe.alert.breachedRuns;
  const threshold =
    step === undefined ? probe.alert.latency[percentile] : probe.alert.steps[step]?.[percentile];
  const whose = step === undefined ? 'its latency' : `step "${step}"`;
  const observed = latestDatapoint(alarm.event.detail.state.reasonData);
  const figure = observed === undefined ? 'above' : `${formatMillis(observed)} >`;
  return {
    subject: `BREACH ${who(probe)}${step === undefined ? '' : ` ${step}`} CloudWatch ${percentile} ${figure} ${formatMillis(threshold ?? 0)} (${atLeast} of ${of} periods)`,
    head: [
      `BREACH: ${probeLabel(probe)}: CloudWatch's ${percentile} of ${whose} was above ${formatMillis(threshold ?? 0)} in ${atLeast} of the last ${of} periods${observed === undefined ? '' : ` (latest ${formatMillis(observed)})`}, ${sinceLine(since)}.`,
      requestLine(probe),
    ],
  };
}

function slaHead(
  alarm: ProbeAlarm,
  breaching: number,
  window: number,
  failed: readonly SlaCheck[],
  since: SinceWhen,
): { subject: string; head: string[] } {
  const { probe } = alarm;
  const { atLeast, of } = probe.alert.breachedRuns;
  const lead = failed[0] ? describeCheck(failed[0]) : 'SLA breached';
  const more = failed.length > 1 ? ` +${failed.length - 1}` : '';
  // The count is what the alarm pages on; stored runs that show fewer (one still being stored, one lost) do not
  // make the page read as if it fired early.
  const shown = breaching >= atLeast;
  const count = shown ? `${breaching} of ${window} runs` : `alarm at ${atLeast} of ${of} runs`;
  const stored = shown
    ? ''
    : ` CloudWatch counted at least ${atLeast}; the stored runs show fewer (a run may still be being stored).`;
  return {
    subject: `BREACH ${who(probe)} ${lead.replace(' (default SLA)', '')}${more} (${count})`,
    head: [
      `BREACH: ${probeLabel(probe)} broke its SLA in ${breaching} of its last ${window} valid runs (the alarm pages at ${atLeast} of ${of}), ${sinceLine(since)}.${stored}`,
      requestLine(probe),
    ],
  };
}

/** The latest breaching run's failed checks and figures, and the previous good run to compare. */
function breachBody(
  alarm: ProbeAlarm,
  about: RunResult | undefined,
  failed: readonly SlaCheck[],
  latencyAlarm: boolean,
): string[] {
  if (!about) return [];
  const good = alarm.runs.find((r) => r.sla.verdict === 'pass');
  const shown = failed.length > 0 ? failed : about.sla.checks.filter((c) => !c.passed);
  return [
    `Failed checks, latest breaching run (${formatInstant(Date.parse(about.startedAt))}, run ${about.runId}):`,
    ...shown.map((c) => `  - ${describeCheck(c)}`),
    `Latest run: ${runFigures(about)}.`,
    ...errorLines(about),
    ...traceLines(about, shown, latencyAlarm),
    ...phaseLine(about, good),
    previousGoodLine(alarm.runs, alarm.windowMs),
  ];
}
