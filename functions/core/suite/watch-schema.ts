import { z } from 'zod';

/**
 * `notify.watch`: who hears when the paging path itself fails (SNS could not deliver a page, a page sits in a
 * subscription's dead-letter queue, the notifier fails or is throttled). These reach them through a topic and a
 * key of their own, so a disabled key or a broken topic policy on the main topic cannot silence them too.
 * Absent: the environment's own `notify` addresses, through that separate topic.
 */
export function watchSchema<Fields extends z.ZodRawShape>(subscriptionFields: Fields) {
  return z.strictObject(subscriptionFields).optional();
}
