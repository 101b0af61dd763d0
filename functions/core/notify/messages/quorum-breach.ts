import { formatInstant, formatMillis } from '../figures.ts';
import type { Notification, QuorumView } from '../notification.ts';
import { checkName, locationFigure, ofLocations, othersLine, sinceEach, thresholdOf } from './locations.ts';
import { type ProbePage, probeNotification } from './page.ts';
import { type ProbeAlarm, probeLabel, requestLine, who } from './parts.ts';
import { runFigures } from './run-figures.ts';

/**
 * BREACH from a quorum of locations: at least alert.minLocations of the probe's locations breach at once, so it
 * is the API (or something every region shares), not one region's route to it. Names each breaching location
 * with what CloudWatch judged there and since when, and the locations within the SLA.
 */
export function quorumBreachMessage(alarm: ProbeAlarm, view: QuorumView): Notification {
  return probeNotification(alarm, quorumBreachPage(alarm, view));
}

/** The quorum breach's words, which a flap repeats under its own first line. */
export function quorumBreachPage(alarm: ProbeAlarm, view: QuorumView): ProbePage {
  const { probe } = alarm;
  const { name } = checkName(alarm.check);
  const percentile = name !== 'SLA';
  const threshold = thresholdOf(alarm);
  const figures = view.breaching.map((l) => locationFigure(l, percentile)).join(', ');
  const others = othersLine(view.others);
  const line = `BREACH ${who(probe)} ${name} from ${ofLocations(view)}: ${figures}`;
  const what = percentile
    ? `CloudWatch's ${name} above ${formatMillis(threshold ?? 0)}`
    : `the SLA broken (alert.breachedRuns ${probe.alert.breachedRuns.atLeast} of ${probe.alert.breachedRuns.of})`;
  const latest = alarm.runs.find((r) => r.validity.valid);
  return {
    kind: 'breach',
    subject: line,
    head: [
      `${line}${others === '' ? '' : `; ${others}`}`,
      `${probeLabel(probe)}: ${what} in ${ofLocations(view)} at once (the quorum is ${view.quorum}, alert.minLocations), since ${formatInstant(Date.parse(view.since))}: ${sinceEach(view.breaching)}. Seen from several regions: the API or something they all share, not one route.`,
      requestLine(probe),
    ],
    body: latest
      ? [
          `Latest stored run (${latest.location === undefined ? '' : `${latest.location}, `}${formatInstant(Date.parse(latest.startedAt))}, run ${latest.runId}): ${runFigures(latest)}.`,
        ]
      : [],
    about: latest,
    since: { alarmAtMs: Date.parse(view.since), first: undefined },
  };
}
