import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type DeadLetterPeek, PEEK_MAX } from '../core/notify/schedule-dead-letters.ts';

/**
 * Reads up to 10 messages of a dead-letter queue without taking them: a visibility timeout of 0 leaves each
 * visible to the next reader (on-call, the queue's alarm), and nothing is deleted. No long poll: the alarm
 * already says messages are there. A refusal (no permission, the queue gone) is returned, never thrown: the
 * page goes out without the contents, saying why.
 */
export async function peekDeadLetters(sqs: SQSClient, queueUrl: string | undefined): Promise<DeadLetterPeek> {
  if (!queueUrl)
    return { read: false, why: 'the notifier was not given the queue URL (SCHEDULE_DEAD_LETTERS)' };
  try {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: PEEK_MAX,
        VisibilityTimeout: 0,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = (out.Messages ?? []).map((m) => ({
      body: m.Body ?? '',
      // Scheduler's attributes are strings; a binary one (not Scheduler's) is left out.
      attributes: Object.fromEntries(
        Object.entries(m.MessageAttributes ?? {})
          .filter(([, v]) => typeof v.StringValue === 'string')
          .map(([name, v]) => [name, v.StringValue!]),
      ),
    }));
    return { read: true, messages };
  } catch (error) {
    const name = (error as { name?: string }).name;
    const message = error instanceof Error ? error.message : String(error);
    return { read: false, why: name && !message.startsWith(name) ? `${name}: ${message}` : message };
  }
}
