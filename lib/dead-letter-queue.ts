import { Duration, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * A dead-letter queue: encrypted (SQS-managed, or under the customer-managed key), TLS only, 14 days (SQS's
 * longest) to read what failed. Its alarm counts messages sent to it, so each new one pages again.
 */
export function deadLetterQueue(
  scope: Construct,
  id: string,
  props: { readonly key?: IKey | undefined; readonly of: string },
): Queue {
  const queue = new Queue(scope, id, {
    ...(props.key
      ? { encryption: QueueEncryption.KMS, encryptionMasterKey: props.key }
      : { encryption: QueueEncryption.SQS_MANAGED }),
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is the dead-letter queue of ${props.of}; it has no dead-letter queue of its own.`,
  });
  return queue;
}
