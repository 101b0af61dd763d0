import { describe, expect, it } from 'vitest';
import { deployedNames } from '../../../../functions/core/cloud/deployed-suite.ts';
import { readAlarmEvent } from '../../../../functions/core/notify/alarm-event.ts';
import { SUBJECT_MAX } from '../../../../functions/core/notify/notification.ts';
import {
  type DeadLetter,
  deadLetterFix,
  scheduleDeadLettersNotification,
} from '../../../../functions/core/notify/schedule-dead-letters.ts';

const names = deployedNames('bank', 'prod');
const alarmName = 'perfprobe.bank.prod.system.schedule-dead-letters';
const event = readAlarmEvent({
  'detail-type': 'CloudWatch Alarm State Change',
  region: 'eu-west-1',
  account: '123456789012',
  resources: [`arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${alarmName}`],
  detail: {
    alarmName,
    previousState: { value: 'OK', reason: 'before', timestamp: '2026-11-30T03:00:00.000+0000' },
    state: { value: 'ALARM', reason: 'Threshold Crossed', timestamp: '2026-11-30T03:10:00.000+0000' },
  },
});

const render = (messages: DeadLetter[], probeIds = ['login']) =>
  scheduleDeadLettersNotification({
    event,
    names,
    probeIds,
    peek: { read: true, messages },
    queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq',
    dedupKey: `${alarmName}@2026-11-30T03:10:00.000Z`,
  });

describe("the schedules' dead letters, as the page tells them", () => {
  it('names the likely fix per Scheduler error: access, a missing state machine, throttling, anything else', () => {
    expect(
      deadLetterFix('AccessDeniedException', 'not authorized to perform: states:StartExecution'),
    ).toMatch(/^the schedules' role cannot start the state machine/);
    expect(deadLetterFix('ResourceNotFoundException', 'Resource not found')).toMatch(
      /^the state machine the schedule starts was deleted or renamed/,
    );
    expect(deadLetterFix('StateMachineDoesNotExist', '')).toMatch(/was deleted or renamed/);
    expect(deadLetterFix('ThrottlingException', 'Rate exceeded')).toMatch(/over the account's limit/);
    expect(deadLetterFix('ExecutionLimitExceeded', '')).toMatch(/over the account's limit/);
    expect(deadLetterFix('SomethingNew', 'odd')).toMatch(
      /^EventBridge Scheduler's error above names the cause/,
    );
  });

  it("falls back to the schedule's name when the body is not the schedule's input, and says when attributes are missing", () => {
    const notification = render([
      {
        body: '{"probeId":"lo',
        attributes: {
          ERROR_CODE: 'ThrottlingException',
          SCHEDULE_ARN: 'arn:aws:scheduler:eu-west-1:123456789012:schedule/default/ProbesSchedulelogin-AB12',
        },
      },
      { body: 'not json', attributes: {} },
      { body: '{"probeId":"gone"}', attributes: { ERROR_CODE: 'ResourceNotFoundException' } },
    ]);

    expect(notification.text).toContain(
      '  - schedule ProbesSchedulelogin-AB12 (1 message): ThrottlingException',
    );
    expect(notification.text).toContain(
      '  - an unnamed schedule (no SCHEDULE_ARN attribute, body not JSON) (1 message): no ERROR_CODE attribute',
    );
    expect(notification.text).toContain(
      '  - probe gone (not a probe of this deployment any more) (1 message): ResourceNotFoundException',
    );
    expect(notification.text).toContain('Dead letters: 3 waiting');
  });

  it('says "at least 10" for a full batch, and keeps the subject within SNS\'s limit for many probes', () => {
    const ids = Array.from({ length: 10 }, (_, i) => `probe-with-a-long-name-${i}`);
    const notification = render(
      ids.map((probeId) => ({
        body: JSON.stringify({ probeId, scheduledTime: '2026-11-30T03:05:00Z' }),
        attributes: { ERROR_CODE: 'AccessDeniedException', SCHEDULED_TIME: '2026-11-30T03:05:00Z' },
      })),
      ids,
    );

    expect(notification.text).toContain('Dead letters: at least 10 waiting');
    expect(notification.subject).toBe(
      'PERFPROBE FAILING bank/prod: runs of 10 probes not started (AccessDeniedException)',
    );
    expect(notification.subject.length).toBeLessThanOrEqual(SUBJECT_MAX);
  });

  it('tells an empty queue (read by someone, or purged) and a peek without a queue URL', () => {
    expect(render([]).text).toContain(
      'No dead letter is visible now: someone is reading them or purged the queue.',
    );
    // The alarm counts NumberOfMessagesSent: it clears by itself, so no page says a purge clears it.
    expect(render([]).text).toContain(
      "The alarm counts new dead letters, not the queue's depth: it returns to OK after a period without one, and fires again for the next.",
    );
    for (const text of [render([]).text, render([{ body: '{}', attributes: {} }]).text]) {
      expect(text).toContain('(the alarm returns to OK by itself)');
      expect(text).not.toMatch(/purge them to clear|once the queue stays empty/);
    }
    const unread = scheduleDeadLettersNotification({
      event,
      names,
      probeIds: [],
      peek: { read: false, why: 'the notifier was not given the queue URL (SCHEDULE_DEAD_LETTERS)' },
      queueUrl: undefined,
      dedupKey: 'k',
    });
    expect(unread.text).toContain(
      'The notifier could not read the dead letters (the notifier was not given the queue URL (SCHEDULE_DEAD_LETTERS))',
    );
    expect(unread.text).toContain('aws sqs receive-message --queue-url <the queue URL:');
    const gone = scheduleDeadLettersNotification({
      event,
      names,
      probeIds: [],
      peek: { read: false, why: 'QueueDoesNotExist: The specified queue does not exist.' },
      queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq',
      dedupKey: 'k',
    });
    expect(gone.text).toContain(
      'Likely fix for the notifier: the queue was deleted outside the stack; redeploy it (the schedules lose their dead letters meanwhile).',
    );
  });
});
