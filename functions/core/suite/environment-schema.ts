import { z } from 'zod';
import { ENDPOINT_SECRET_EXPECTED, isEndpointReference } from '../cloud/subscription-endpoint.ts';
import { parseSecretReference, SECRET_REFERENCE_EXPECTED } from '../secret-reference.ts';
import { capsSchema } from './caps-schema.ts';
import { describeValue, failWith, patterned, positiveDuration } from './fields.ts';
import { DEFAULT_CAPS } from './limits.ts';
import { locationsSchema, regionSchema } from './locations-schema.ts';
import { isTimeZone } from './schedule.ts';
import { cronProblem } from './schedule-expression.ts';
import { transportSchema } from './transport-schema.ts';
import { baseUrlSchema } from './url-credentials.ts';
import { watchSchema } from './watch-schema.ts';

const variableSchema = z.union([
  z.string(),
  /** A list for `${pick(name)}` in flows (test accounts): one item at random per use. */
  z.array(z.string()).min(1, 'expected a list of at least one value'),
  z.strictObject({
    secret: z
      .unknown()
      .transform((input, ctx) =>
        typeof input === 'string' && parseSecretReference(input) !== undefined
          ? input
          : failWith(ctx, input, SECRET_REFERENCE_EXPECTED),
      ),
  }),
]);

/**
 * A recurring maintenance window: pages are held from each time `cron` fires (in `timezone`) for `duration`,
 * as a silence would; measuring goes on.
 */
const maintenanceSchema = z.strictObject({
  cron: z.unknown().transform((input, ctx) => {
    const problem =
      typeof input === 'string' ? cronProblem(input) : `expected "cron(…)", got ${describeValue(input)}`;
    if (problem === undefined) return input as string;
    ctx.addIssue({ code: 'custom', message: problem, input });
    return z.NEVER;
  }),
  timezone: z
    .unknown()
    .transform((input, ctx) => {
      if (typeof input === 'string' && isTimeZone(input)) return input;
      ctx.addIssue({
        code: 'custom',
        message: `expected an IANA time zone like "UTC" or "Europe/Paris", got ${describeValue(input)}`,
        input,
      });
      return z.NEVER;
    })
    .optional()
    .default('UTC'),
  duration: positiveDuration({ max: 7 * 86_400_000, limit: '168h (a week)' }),
});

/** A topic's subscriptions: email addresses and https endpoints. */
const subscriptionFields = {
  email: z
    .array(patterned(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'an email address'))
    .optional()
    .default([]),
  /** A URL, or `{ secret }`: where a URL that is itself a credential is kept (see subscription-endpoint.ts). */
  https: z
    .array(
      z.union([
        patterned(/^https:\/\/\S+$/, 'an https:// endpoint URL'),
        z.strictObject({
          secret: z
            .unknown()
            .transform((input, ctx) =>
              typeof input === 'string' && isEndpointReference(input)
                ? input
                : failWith(ctx, input, ENDPOINT_SECRET_EXPECTED),
            ),
        }),
      ]),
    )
    .optional()
    .default([]),
};

export const environmentSchema = z.strictObject({
  baseUrl: baseUrlSchema,
  /** Referenced as `${name}`; `baseUrl` is the environment's own. */
  variables: z
    .record(
      patterned(
        /^(?!baseUrl$)[A-Za-z_]\w*$/,
        'a variable name of letters, digits and "_" (used as ${name}), other than baseUrl',
      ),
      variableSchema,
    )
    .optional()
    .default({}),
  /**
   * AWS regions the probes run from, one stack each; the home one (`home`, else the first) holds the notifier,
   * topics, dashboard and incidents. Absent: the one region the stack is deployed to.
   */
  locations: locationsSchema.optional(),
  /** Which of `locations` is home; absent: the first. */
  home: regionSchema.optional(),
  /** Recurring windows in which pages are held (measuring goes on). */
  maintenance: z.array(maintenanceSchema).optional().default([]),
  /** Who hears about breaches and recoveries of this environment's probes. */
  notify: z
    .strictObject({
      ...subscriptionFields,
      /** Who hears, batched hourly, about warn-level SLA breaches (a topic of their own; nothing pages). */
      warn: z.strictObject(subscriptionFields).optional().default({ email: [], https: [] }),
      watch: watchSchema(subscriptionFields),
    })
    .optional()
    .default({ email: [], https: [], warn: { email: [], https: [] } }),
  caps: capsSchema.optional().default({
    maxRate: DEFAULT_CAPS.maxRate,
    maxConnections: DEFAULT_CAPS.maxConnections,
    maxDuration: DEFAULT_CAPS.maxDurationMs,
  }),
  /** TLS material, proxy and HTTP/2 for this environment's probes. */
  transport: transportSchema.optional(),
  /** A CloudWatch dashboard for the environment ($3 a month; every alarm works without it). */
  dashboard: z.boolean().optional().default(true),
  /** X-Ray traces of every run's functions and state machine ($5 per million traces). */
  tracing: z.boolean().optional().default(false),
});

export type EnvironmentSpec = z.output<typeof environmentSchema>;
