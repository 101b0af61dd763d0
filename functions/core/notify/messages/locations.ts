import { formatInstant, formatMillis } from '../figures.ts';
import type { Notification, QuorumView } from '../notification.ts';
import type { LocationAlarm } from '../quorum.ts';
import type { ProbeAlarm } from './parts.ts';

/*
 * The parts every message about several locations shares: which check, each location's figure, the others.
 */

/** "2,310 ms": a page read across regions is read in thousands. */
export function groupedMillis(ms: number): string {
  if (ms < 1_000) return formatMillis(ms);
  return `${String(Math.round(ms)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} ms`;
}

/** The percentile a CloudWatch percentile alarm judges ("p99", or "settled p95" for a step); else "SLA". */
export function checkName(check: string): { readonly name: string; readonly thresholdMs?: number } {
  if (check.startsWith('latency-')) return { name: check.slice('latency-'.length).replace('_', '.') };
  const step = /^step-(.+)-(p[\d_]+)$/.exec(check);
  return step ? { name: `${step[1]} ${step[2]!.replace('_', '.')}` } : { name: 'SLA' };
}

/** The alarm's threshold in ms, for a percentile alarm. */
export function thresholdOf(alarm: ProbeAlarm): number | undefined {
  if (alarm.check.startsWith('latency-')) {
    return alarm.probe.alert.latency[alarm.check.slice('latency-'.length).replace('_', '.')];
  }
  const step = /^step-(.+)-(p[\d_]+)$/.exec(alarm.check);
  return step ? alarm.probe.alert.steps[step[1]!]?.[step[2]!.replace('_', '.')] : undefined;
}

/** "eu-west-1 2,310 ms" (what CloudWatch judged there), or "eu-west-1" without a figure in ms. */
export function locationFigure(location: LocationAlarm, percentile: boolean): string {
  return percentile && location.observed !== undefined
    ? `${location.location} ${groupedMillis(location.observed)}`
    : location.location;
}

/** "eu-central-1 within SLA", "us-east-1 no data": the locations that do not breach. */
export function othersLine(others: readonly LocationAlarm[]): string {
  const within = others.filter((l) => l.value === 'OK').map((l) => l.location);
  const unknown = others.filter((l) => l.value !== 'OK').map((l) => l.location);
  return [
    ...(within.length > 0 ? [`${within.join(', ')} within SLA`] : []),
    ...(unknown.length > 0 ? [`${unknown.join(', ')} no data`] : []),
  ].join(', ');
}

/** "eu-west-1 (since 2026-12-08 03:01 UTC), us-east-1 (since …)". */
export function sinceEach(breaching: readonly LocationAlarm[]): string {
  return breaching.map((l) => `${l.location} since ${formatInstant(Date.parse(l.since))}`).join(', ');
}

/** "1 of 3 locations", "2 of 3 locations". */
export function ofLocations(view: QuorumView): string {
  return `${view.breaching.length} of ${view.total} location${view.total === 1 ? '' : 's'}`;
}

/**
 * A check that keeps its meaning per location (cannot measure, no runs) names the location it is about, after
 * the probe, in its subject, first line and SMS; everything else reads as it does with one location.
 */
export function atLocation(notification: Notification, name: string, location: string): Notification {
  const at = (text: string) => text.replace(name, `${name} from ${location}`);
  return {
    ...notification,
    subject: at(notification.subject),
    text: at(notification.text),
    sms: at(notification.sms),
  };
}
