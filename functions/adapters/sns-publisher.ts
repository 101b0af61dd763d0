import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { SnsMessage } from '../core/notify/sns-message.ts';

export class PublishFailedError extends Error {
  constructor(topicArn: string, cause: unknown) {
    super(`could not publish to ${topicArn}: ${String(cause)}`, { cause });
    this.name = 'PublishFailedError';
  }
}

/** One Publish; a failure is thrown (named), so Lambda retries the event and then leaves it in the DLQ. */
export async function publishNotification(
  sns: SNSClient,
  topicArn: string,
  message: SnsMessage,
): Promise<string | undefined> {
  try {
    const out = await sns.send(new PublishCommand({ TopicArn: topicArn, ...message }));
    return out.MessageId;
  } catch (error) {
    throw new PublishFailedError(topicArn, error);
  }
}
