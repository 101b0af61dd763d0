import { AlarmEventError } from './alarm-event.ts';

/** EventBridge's scheduled event (a rule with a schedule expression): the notifier's periodic re-check. */
export interface TickEvent {
  readonly 'detail-type': 'Scheduled Event';
  readonly source: 'aws.events';
  readonly account: string;
  readonly region: string;
  /** ISO time the rule fired: the tick's "now". */
  readonly time: string;
}

export function isTickEvent(input: unknown): boolean {
  return (input as { 'detail-type'?: unknown } | undefined)?.['detail-type'] === 'Scheduled Event';
}

export function readTickEvent(input: unknown): TickEvent {
  const event = input as Partial<TickEvent>;
  for (const field of ['region', 'account', 'time'] as const) {
    if (typeof event[field] !== 'string' || event[field] === '') {
      throw new AlarmEventError(field, 'a non-empty string', event[field]);
    }
  }
  if (Number.isNaN(Date.parse(event.time!))) throw new AlarmEventError('time', 'an ISO time', event.time);
  return event as TickEvent;
}
