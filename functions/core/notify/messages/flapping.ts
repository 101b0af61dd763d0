import { alarmTime } from '../alarm-event.ts';
import { formatInstant, formatSpan } from '../figures.ts';
import type { IncidentState } from '../incident.ts';
import type { Notification } from '../notification.ts';
import { breachPage } from './breach.ts';
import { probeNotification } from './page.ts';
import { type ProbeAlarm, probeLabel, runsText } from './parts.ts';
import { quorumBreachPage } from './quorum-breach.ts';

/**
 * FLAPPING: breaching again after CloudWatch's OK, before alert.recoverAfter announced a recovery. The same
 * incident continues; the page is its breach under one more line, told once (later flaps are only counted).
 */
export function flappingMessage(alarm: ProbeAlarm, okAt: string, incident: IncidentState): Notification {
  // Across locations, the breach is the quorum's: which locations, their figures.
  const breach = alarm.quorum ? quorumBreachPage(alarm, alarm.quorum) : breachPage(alarm);
  const back = formatSpan(alarmTime(alarm.event.detail.state.timestamp) - Date.parse(okAt));
  const recoverAfter = runsText(alarm.probe.alert.recoverAfter ?? 2, 'passing run');
  const flap = incident.flaps === 1 ? 'its first flap' : `flap ${incident.flaps}`;
  return probeNotification(alarm, {
    ...breach,
    kind: 'flapping',
    subject: `${breach.subject
      .replace(/^BREACH /, 'FLAPPING ')
      .replace(/ \((alarm at )?\d+ of \d+ (runs|periods)\)$/, '')
      // The locations' figures are in the text: the subject keeps to its 99 characters.
      .replace(/( from \d+ of \d+ locations): .*$/, '$1')} again ${back} after OK`,
    head: [
      `FLAPPING: ${probeLabel(alarm.probe)} is breaching again ${back} after its alarm went back to OK, before alert.recoverAfter (${recoverAfter}) announced a recovery: the same incident continues (opened ${formatInstant(Date.parse(incident.openedAt))}, ${flap}). Further flaps of this incident are counted, not sent.`,
      ...breach.head,
    ],
  });
}
