import { formatMs } from '../../durations.ts';
import { describeCheck, formatInstant } from '../figures.ts';
import type { Notification } from '../notification.ts';
import { checkName, locationFigure, ofLocations, othersLine } from './locations.ts';
import { probeNotification } from './page.ts';
import { lastedOf, type ProbeAlarm, probeLabel, runsText, who } from './parts.ts';
import { runFigures } from './run-figures.ts';

/** RECOVERED: within the SLA again; how long the incident lasted and how the checks that broke read now. */
export function recoveryMessage(alarm: ProbeAlarm): Notification {
  const { probe, runs } = alarm;
  const about = runs.find((r) => r.validity.valid);
  const { lasted, fromTo } = lastedOf(alarm);
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
  return probeNotification(alarm, {
    kind: 'recovery',
    subject: `RECOVERED ${who(probe)} after ${lasted}${now}`,
    head: [
      `RECOVERED: ${probeLabel(probe)} is within its SLA again. The incident lasted ${lasted} (${fromTo}).`,
    ],
    body: [
      ...(about
        ? [
            `Now (run ${about.runId}, ${formatInstant(Date.parse(about.startedAt))}): ${runFigures(about)}.`,
            ...about.sla.checks.map((c) => `  - ${describeCheck(c)}`),
          ]
        : []),
      ...(alarm.quorum ? [belowQuorum(alarm)] : []),
      recoveryHolds(alarm),
    ],
    about,
  });
}

/** Across locations: the ones still breaching, fewer than the quorum. */
function belowQuorum(alarm: ProbeAlarm): string {
  const view = alarm.quorum!;
  if (view.breaching.length === 0) return `Every location within its SLA again (${othersLine(view.others)}).`;
  const percentile = checkName(alarm.check).name !== 'SLA';
  const figures = view.breaching.map((l) => locationFigure(l, percentile)).join(', ');
  return `Still breaching: ${figures}, ${ofLocations(view)}, below the quorum of ${view.quorum} (alert.minLocations): a notice's matter now, not a page's.`;
}

/** Why the recovery is told now: the passing runs since the OK, or how a breach would still continue it. */
function recoveryHolds({ probe, recovery, incident }: ProbeAlarm): string {
  const recoverAfter = probe.alert.recoverAfter ?? 2;
  if (!recovery) {
    const within = probe.alert.intervalMs ? ` (${formatMs(recoverAfter * probe.alert.intervalMs)})` : '';
    return `A breach within the next ${runsText(recoverAfter, 'run')}${within} continues this incident as flapping (alert.recoverAfter).`;
  }
  const flaps = incident?.next.flaps;
  const flapped = flaps ? ` (it flapped ${flaps === 1 ? 'once' : `${flaps} times`} before)` : '';
  return `CloudWatch went back to OK at ${formatInstant(Date.parse(recovery.okAt))}; ${runsText(recovery.passing, 'passing run')} since (alert.recoverAfter ${recoverAfter}), so the recovery holds${flapped}.`;
}
