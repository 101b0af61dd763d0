/**
 * A "CloudWatch Alarm State Change" event as EventBridge delivers it (source aws.cloudwatch). Only the fields
 * the notifier reads are typed; the rest (configuration.metrics, reasonData) passes through untouched.
 */
export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmState {
  readonly value: AlarmStateValue;
  readonly reason: string;
  /** JSON text: the datapoints CloudWatch judged ("recentDatapoints", "threshold"). */
  readonly reasonData?: string;
  /** "2019-10-02T17:04:40.989+0000": CloudWatch's own format (see alarmTime). */
  readonly timestamp: string;
}

export interface AlarmStateChangeEvent {
  readonly version: string;
  readonly id: string;
  readonly 'detail-type': 'CloudWatch Alarm State Change';
  readonly source: 'aws.cloudwatch';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: {
    readonly alarmName: string;
    readonly configuration?: { readonly description?: string; readonly metrics?: readonly unknown[] };
    readonly previousState: AlarmState;
    readonly state: AlarmState;
  };
}

export class AlarmEventError extends Error {
  constructor(field: string, expected: string, found: unknown) {
    super(`alarm event: ${field} must be ${expected}, found ${JSON.stringify(found) ?? 'nothing'}`);
    this.name = 'AlarmEventError';
  }
}

const STATES: readonly string[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

function stateAt(field: string, raw: unknown): AlarmState {
  const state = raw as Partial<AlarmState> | undefined;
  if (typeof state !== 'object' || state === null) throw new AlarmEventError(field, 'an object', raw);
  if (!STATES.includes(String(state.value))) {
    throw new AlarmEventError(`${field}.value`, 'OK, ALARM or INSUFFICIENT_DATA', state.value);
  }
  if (typeof state.timestamp !== 'string' || Number.isNaN(alarmTime(state.timestamp))) {
    throw new AlarmEventError(`${field}.timestamp`, 'a timestamp', state.timestamp);
  }
  return state as AlarmState;
}

/** Checks what the notifier relies on and says which field is wrong; anything else is passed through. */
export function readAlarmEvent(input: unknown): AlarmStateChangeEvent {
  const event = input as Partial<AlarmStateChangeEvent> | undefined;
  if (typeof event !== 'object' || event === null) throw new AlarmEventError('the event', 'an object', input);
  if (event['detail-type'] !== 'CloudWatch Alarm State Change') {
    throw new AlarmEventError('detail-type', '"CloudWatch Alarm State Change"', event['detail-type']);
  }
  for (const field of ['region', 'account'] as const) {
    if (typeof event[field] !== 'string' || event[field] === '') {
      throw new AlarmEventError(field, 'a non-empty string', event[field]);
    }
  }
  const detail = event.detail;
  if (typeof detail?.alarmName !== 'string') {
    throw new AlarmEventError('detail.alarmName', 'a string', detail?.alarmName);
  }
  stateAt('detail.state', detail.state);
  stateAt('detail.previousState', detail.previousState);
  return event as AlarmStateChangeEvent;
}

/** Epoch ms of CloudWatch's "+0000" timestamps (ISO 8601 wants "+00:00"). */
export function alarmTime(timestamp: string): number {
  return Date.parse(timestamp.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
}

/** The alarm's ARN: EventBridge lists it as the event's only resource. */
export function alarmArn(event: AlarmStateChangeEvent): string {
  return (
    event.resources[0] ??
    `arn:aws:cloudwatch:${event.region}:${event.account}:alarm:${event.detail.alarmName}`
  );
}

/** The newest datapoint CloudWatch judged, from the state's reasonData JSON text. */
export function latestDatapoint(reasonData: string | undefined): number | undefined {
  if (!reasonData) return undefined;
  try {
    const points = (JSON.parse(reasonData) as { recentDatapoints?: unknown[] }).recentDatapoints;
    const last = points?.at(-1);
    return typeof last === 'number' ? last : undefined;
  } catch {
    return undefined;
  }
}
