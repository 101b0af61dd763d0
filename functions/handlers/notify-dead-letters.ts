import { peekDeadLetters } from '../adapters/sqs-dead-letter-peek.ts';
import { type AlarmStateChangeEvent, alarmTime } from '../core/notify/alarm-event.ts';
import { scheduleDeadLettersNotification } from '../core/notify/schedule-dead-letters.ts';
import { type NotifyOutcome, type NotifyScope, send } from './notify-shared.ts';

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
  const peek = deps.sqs
    ? await peekDeadLetters(deps.sqs, deps.scheduleDeadLetters)
    : ({ read: false, why: 'the notifier has no SQS client' } as const);
  if (!peek.read) scope.logger.error('dead letters not read', { why: peek.why });
  const notification = scheduleDeadLettersNotification({
    event,
    names: scope.names,
    probeIds: Object.keys(scope.deployed.probes),
    peek,
    queueUrl: deps.scheduleDeadLetters,
    dedupKey: `${alarmName}@${new Date(alarmTime(state.timestamp)).toISOString()}`,
    dashboard: deps.dashboard,
  });
  return send(scope, event, notification, undefined);
}
