import { z } from 'zod';
import { describeValue, failWith, positiveDuration } from './fields.ts';
import { headerNameProblem, headerValueProblem } from './headers.ts';
import { jsonBodyProblems } from './json-body.ts';
import { HARD_LIMITS } from './limits.ts';
import { requestUrlSchema } from './url-credentials.ts';

/**
 * A request timeout: whole milliseconds from 1 ms to the hard limit. undici's timers take a positive whole number
 * of milliseconds and refuse anything else when the first request is sent, long after validation said yes.
 */
export const timeoutSchema = () =>
  positiveDuration({ max: HARD_LIMITS.timeoutMs, limit: 'the hard limit of a request timeout' }).transform(
    (ms, ctx) =>
      ms >= 1 && Number.isInteger(ms)
        ? ms
        : failWith(ctx, `${ms}ms`, 'a timeout of whole milliseconds, at least 1ms'),
  );

/** `'fresh'` or `'reuse'`: see ResolvedProbe.request.connection. */
export const connectionSchema = z
  .unknown()
  .transform((input, ctx) =>
    input === 'fresh' || input === 'reuse'
      ? input
      : failWith(ctx, input, '"fresh" (a new connection per request) or "reuse" (keep-alive)'),
  );

/** Request headers: names and values as HTTP defines them, each problem at the header's own path. */
export const headersSchema = z.record(z.string(), z.unknown()).transform((input, ctx) => {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(input)) {
    const nameProblem = headerNameProblem(name);
    if (nameProblem !== undefined) ctx.addIssue({ code: 'custom', path: [name], message: nameProblem });
    if (typeof value !== 'string') {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `expected a string, got ${describeValue(value)}`,
      });
      continue;
    }
    const valueProblem = headerValueProblem(value);
    if (valueProblem !== undefined) ctx.addIssue({ code: 'custom', path: [name], message: valueProblem });
    out[name] = value;
  }
  return out;
});

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export const requestSchema = z.strictObject({
  method: z
    .unknown()
    .transform((input, ctx) => {
      const upper = typeof input === 'string' ? input.toUpperCase() : input;
      return METHODS.includes(upper as (typeof METHODS)[number])
        ? (upper as (typeof METHODS)[number])
        : failWith(ctx, input, `one of ${METHODS.join(', ')}`);
    })
    .optional(),
  url: requestUrlSchema,
  headers: headersSchema.optional(),
  body: z
    .unknown()
    // On the author's own object: zod's copy would hide a cycle through the top level.
    .superRefine((body, ctx) => {
      for (const { path, message } of jsonBodyProblems(body))
        ctx.addIssue({ code: 'custom', path: [...path], message });
    })
    .pipe(z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]))
    .optional(),
  timeout: timeoutSchema().optional(),
  /**
   * `fresh`: a new connection for every request (DNS, connect and TLS in each latency, as a first visit);
   * `reuse`: keep-alive connections. Default: fresh for latency checks, reuse for burst and rate loads.
   */
  connection: connectionSchema.optional(),
});

export type RequestSpec = z.output<typeof requestSchema>;
