import { alarmTime } from './alarm-event.ts';
import { breachMessage } from './messages/breach.ts';
import { cannotMeasureMessage, measuringAgainMessage } from './messages/cannot-measure.ts';
import { certExpiryMessage, certRenewedMessage } from './messages/cert-expiry.ts';
import { drillMessage } from './messages/drill.ts';
import { flappingMessage } from './messages/flapping.ts';
import { locationNoticeMessage } from './messages/location-notice.ts';
import { atLocation } from './messages/locations.ts';
import { machineryMessage } from './messages/machinery.ts';
import { noRunsMessage, runningAgainMessage } from './messages/no-runs.ts';
import { type ProbeAlarm, who } from './messages/parts.ts';
import { quorumBreachMessage } from './messages/quorum-breach.ts';
import { recoveryMessage } from './messages/recovery.ts';
import { sloBurnMessage, sloCalmMessage, sloCheck } from './messages/slo-burn.ts';
import type { Notification, NotificationDecision, NotificationInput } from './notification.ts';

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
  // Keyed to the time the incident opened: its ALARM, or the ALARM an OK closes.
  const openedAt = new Date(alarmTime(opened ? state.timestamp : previousState.timestamp)).toISOString();
  const dedupKey = input.incident?.dedupKey ?? `${input.event.detail.alarmName}@${openedAt}`;
  const page = alarmPage(input, opened, dedupKey);
  return {
    notify: true,
    notification:
      input.location !== undefined && input.probe !== undefined
        ? atLocation(page, who(input.probe), input.location)
        : page,
  };
}

/** Which room of messages/ words the page: one line per kind. */
function alarmPage(input: NotificationInput, opened: boolean, dedupKey: string): Notification {
  const { subject, probe } = input;
  if (subject.kind === 'drill') return drillMessage(input, opened, dedupKey);
  if (subject.kind === 'system' || probe === undefined || subject.check === 'store-failed') {
    return machineryMessage(input, opened, dedupKey);
  }
  const alarm: ProbeAlarm = { ...input, probe, check: subject.check, runs: input.runs ?? [], dedupKey };
  if (subject.check === 'cannot-measure') {
    return opened ? cannotMeasureMessage(alarm) : measuringAgainMessage(alarm);
  }
  if (subject.check === 'heartbeat') return opened ? noRunsMessage(alarm) : runningAgainMessage(alarm);
  if (subject.check === 'cert-expiry') return opened ? certExpiryMessage(alarm) : certRenewedMessage(alarm);
  if (sloCheck(subject.check)) return opened ? sloBurnMessage(alarm) : sloCalmMessage(alarm);
  // The SLA, or a CloudWatch percentile alarm (latency-pXX, step-<step>-pXX).
  if (!opened && !input.quorum?.notice) return recoveryMessage(alarm);
  if (input.quorum?.notice) return locationNoticeMessage(alarm, input.quorum);
  const flap = input.incident;
  if (flap?.flapping && flap.okAt) return flappingMessage(alarm, flap.okAt, flap.next);
  return input.quorum ? quorumBreachMessage(alarm, input.quorum) : breachMessage(alarm);
}
