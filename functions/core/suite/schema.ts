import { z } from 'zod';
import { abortSchema } from './caps-schema.ts';
import { environmentSchema } from './environment-schema.ts';
import { bytes, patterned, positive } from './fields.ts';
import { DEFAULT_RETENTION_DAYS } from './limits.ts';
import { probeSchema } from './probe-schema.ts';
import { connectionSchema, headersSchema, timeoutSchema } from './request-schema.ts';
import { scheduleSchema } from './schedule.ts';

/*
 * The suite as a whole. Its parts have a module each: request-schema.ts (one request), assertions-schema.ts,
 * load-schema.ts (latency, burst, rate), flow-schema.ts (steps, captures, until), sla-schema.ts, alert-schema.ts,
 * caps-schema.ts (caps and abort), probe-schema.ts (a probe, from those parts) and environment-schema.ts.
 */

export const defaultsSchema = z.strictObject({
  timeout: timeoutSchema().optional(),
  headers: headersSchema.optional(),
  /** For every probe that names none; else fresh for latency checks, reuse for loads. */
  connection: connectionSchema.optional(),
  schedule: scheduleSchema.optional(),
  abort: abortSchema.optional(),
  bodyCap: bytes().optional(),
});

export const suiteSchema = z.strictObject({
  name: patterned(/^[A-Za-z0-9][\w-]{0,63}$/, 'a suite name of letters, digits, "-" or "_"'),
  environments: z
    .record(
      patterned(/^[a-z0-9][a-z0-9-]{0,31}$/, 'an environment name like "prod" or "staging"'),
      environmentSchema,
    )
    .refine((envs) => Object.keys(envs).length > 0, 'expected at least one environment'),
  defaults: defaultsSchema.optional().default({}),
  probes: z.array(probeSchema).min(1, 'expected at least one probe'),
  /** Days a run stays in the results table before DynamoDB's TTL removes it. */
  retentionDays: positive('days', 3_650, true).optional().default(DEFAULT_RETENTION_DAYS),
});

export type SuiteInput = z.input<typeof suiteSchema>;
export type Suite = z.output<typeof suiteSchema>;
