import { z } from 'zod';
import { fraction, positive } from './fields.ts';
import { DEFAULT_ABORT, DEFAULT_CAPS, HARD_LIMITS } from './limits.ts';
import { loadDuration } from './load-schema.ts';

// What a probe may do to production: an environment's caps, and the error rate that stops a run mid-way.

export const abortSchema = z.strictObject({
  // Above 90 % the rule would never fire on a target that is merely very sick: keep it meaningful.
  errorRate: fraction()
    .refine((v) => v > 0 && v <= 0.9, 'expected an error rate above 0 and at most 0.9')
    .optional()
    .default(DEFAULT_ABORT.errorRate),
  minRequests: positive('requests', 100_000, true).optional().default(DEFAULT_ABORT.minRequests),
});

export const capsSchema = z.strictObject({
  maxRate: positive('requests per second', HARD_LIMITS.rate).optional().default(DEFAULT_CAPS.maxRate),
  maxConnections: positive('connections', HARD_LIMITS.connections, true)
    .optional()
    .default(DEFAULT_CAPS.maxConnections),
  maxDuration: loadDuration().optional().default(DEFAULT_CAPS.maxDurationMs),
  /** Worker Lambdas of this environment running at once, at most (deployed: their reserved concurrency). */
  maxShards: positive('shards', 10_000, true).optional(),
});

export type AbortSpec = z.output<typeof abortSchema>;
