import { formatInstant, formatMillis } from '../figures.ts';
import type { Notification, QuorumView } from '../notification.ts';
import { checkName, locationFigure, othersLine, thresholdOf } from './locations.ts';
import { probeNotification } from './page.ts';
import { type ProbeAlarm, probeLabel, requestLine, who } from './parts.ts';

/**
 * NOTICE: fewer locations breach than the quorum. What one region (or a few) sees and the others do not is most
 * likely the route between them and the API: worth knowing, not worth waking anyone (to the warn-level topic
 * when the environment has one).
 */
export function locationNoticeMessage(alarm: ProbeAlarm, view: QuorumView): Notification {
  const { probe } = alarm;
  const { name } = checkName(alarm.check);
  const percentile = name !== 'SLA';
  const where = view.breaching.map((l) => l.location).join(', ');
  const those = view.breaching.length === 1 ? 'that region' : 'those regions';
  const line = `${where} only: likely between ${those} and the API`;
  const threshold = thresholdOf(alarm);
  const figures = view.breaching
    .map((l) => `${locationFigure(l, percentile)} (since ${formatInstant(Date.parse(l.since))})`)
    .join(', ');
  const others = othersLine(view.others);
  const what = percentile ? `CloudWatch's ${name} above ${formatMillis(threshold ?? 0)}` : 'the SLA broken';
  return probeNotification(alarm, {
    kind: 'location-notice',
    subject: `NOTICE ${who(probe)} ${name} ${line}`,
    head: [
      `NOTICE ${who(probe)} ${name}: ${line}.`,
      `${probeLabel(probe)}: ${what} in ${figures}${others === '' ? '' : `; ${others}`}. No page: ${view.breaching.length} of ${view.total} locations breaching, the quorum is ${view.quorum} (alert.minLocations).`,
      requestLine(probe),
    ],
    body: [],
    about: undefined,
  });
}
