import { peekDeadLetters } from '../adapters/sqs-dead-letter-peek.ts';
import { type AlarmStateChangeEvent, alarmTime } from '../core/notify/alarm-event.ts';
import { alarmChangeKey, type IncidentState } from '../core/notify/incident.ts';
import { scheduleDeadLettersNotification } from '../core/notify/schedule-dead-letters.ts';
import {
  alreadyHandled,
  IncidentChangedError,
  type NotifyOutcome,
  type NotifyScope,
  readIncident,
  send,
} from './notify-shared.ts';

/**
 * The schedules' dead-letter alarm pages on-call directly (CloudWatch's own action, so a broken notifier still
 * pages); its ALARM also comes here, and the notifier adds what CloudWatch cannot say: the messages' errors,
 * peeked without consuming them. The same AlarmName, so PagerDuty and Opsgenie fold it into that page. Its OK
 * is CloudWatch's to tell; there is no incident to track here (the tick leaves system alarms alone).
 */
export async function onScheduleDeadLetters(
  scope: NotifyScope,
  event: AlarmStateChangeEvent,
): Promise<NotifyOutcome> {
  const { state, previousState, alarmName } = event.detail;
  if (state.value !== 'ALARM') {
    const why = `${previousState.value} -> ${state.value}: CloudWatch's own action tells on-call (only an ALARM gets the dead letters' detail)`;
    scope.logger.info('not notified', { alarm: alarmName, why });
    return { notified: false, why };
  }
  const { deps } = scope;
  const change = alarmChangeKey(event);
  const previous = await readIncident(scope, alarmName);
  if (previous?.lastChange === change) return alreadyHandled(scope, previous);
  const peek = deps.sqs
    ? await peekDeadLetters(deps.sqs, deps.scheduleDeadLetters)
    : ({ read: false, why: 'the notifier has no SQS client' } as const);
  if (!peek.read) scope.logger.error('dead letters not read', { why: peek.why });
  const at = new Date(alarmTime(state.timestamp)).toISOString();
  const dedupKey = `${alarmName}@${at}`;
  const notification = scheduleDeadLettersNotification({
    event,
    names: scope.names,
    probeIds: Object.keys(scope.deployed.probes),
    peek,
    queueUrl: deps.scheduleDeadLetters,
    dedupKey,
    dashboard: deps.dashboard,
  });
  // Kept only to tell a repeated delivery (closed at once: the tick leaves it alone).
  const record: IncidentState = {
    alarmName,
    dedupKey,
    openedAt: at,
    recoveredAt: at,
    flaps: 0,
    lastChange: previous?.lastChange,
    revision: previous?.revision,
  };
  try {
    return await send({ ...scope, change }, event, notification, { from: record, to: record });
  } catch (error) {
    if (!(error instanceof IncidentChangedError)) throw error;
    // A concurrent delivery of it claimed the page first.
    const why = `already handled: ${change} of ${alarmName} (a concurrent delivery sent it)`;
    scope.logger.info('not notified', { alarm: alarmName, why });
    return { notified: false, why, dedupKey };
  }
}
