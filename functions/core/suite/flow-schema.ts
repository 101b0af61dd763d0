import { z } from 'zod';
import { formatMs } from '../durations.ts';
import { assertionsSchema, JSON_PATH } from './assertions-schema.ts';
import { describeValue, failWith, patterned, positiveDuration } from './fields.ts';
import { HEADER_NAME } from './headers.ts';
import { HARD_LIMITS } from './limits.ts';
import { requestSchema } from './request-schema.ts';

/** Names a flow may use without declaring them: fresh values per use (see functions/core/flows/flow-template.ts). */
export const BUILT_IN_VALUES = ['uuid', 'now', 'nowMs', 'randomInt', 'pick'] as const;

/** Where a capture reads its value: a JSON path, a response header (lower-cased), or a regex over the body. */
export type CaptureRule = { readonly secret: boolean } & (
  | { readonly json: string }
  | { readonly header: string }
  | { readonly regex: string }
);

const captureSchema = z.unknown().transform((input, ctx): CaptureRule => {
  const expected =
    'one of { json: "$.path" }, { header: "name" } or { regex: "pattern" }, with optional secret: true';
  if (!input || typeof input !== 'object' || Array.isArray(input)) return failWith(ctx, input, expected);
  const { json, header, regex, secret, ...rest } = input as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    for (const key of unknown) ctx.addIssue({ code: 'custom', path: [key], message: 'unknown field' });
    return z.NEVER;
  }
  if (secret !== undefined && typeof secret !== 'boolean') {
    ctx.addIssue({
      code: 'custom',
      path: ['secret'],
      message: `expected true or false, got ${describeValue(secret)}`,
    });
    return z.NEVER;
  }
  const given = [json, header, regex].filter((v) => v !== undefined).length;
  if (given !== 1) return failWith(ctx, input, expected);
  const isSecret = secret === true;
  if (json !== undefined) {
    if (typeof json === 'string' && JSON_PATH.test(json)) return { json, secret: isSecret };
    ctx.addIssue({
      code: 'custom',
      path: ['json'],
      message: `expected a JSON path like "$.data.items[0].id", got ${describeValue(json)}`,
    });
    return z.NEVER;
  }
  if (header !== undefined) {
    if (typeof header === 'string' && HEADER_NAME.test(header)) {
      return { header: header.toLowerCase(), secret: isSecret };
    }
    ctx.addIssue({
      code: 'custom',
      path: ['header'],
      message: `expected a header name (RFC 9110 token), got ${describeValue(header)}`,
    });
    return z.NEVER;
  }
  let problem: string | undefined;
  if (typeof regex !== 'string' || regex.length === 0) problem = `got ${describeValue(regex)}`;
  else {
    try {
      new RegExp(regex);
    } catch (error) {
      problem = `got ${describeValue(regex)} (${(error as Error).message})`;
    }
  }
  if (problem === undefined) return { regex: regex as string, secret: isSecret };
  ctx.addIssue({
    code: 'custom',
    path: ['regex'],
    message: `expected a regular expression over the body (its first group, else the whole match, is captured), ${problem}`,
  });
  return z.NEVER;
});

/** Repeat the step's request every `every` until its response passes these assertions or `timeout` passes. */
const untilSchema = assertionsSchema
  .extend({
    every: positiveDuration({ max: HARD_LIMITS.timeoutMs, limit: 'the hard limit of a request timeout' })
      .optional()
      .default(1_000),
    timeout: positiveDuration({ max: HARD_LIMITS.durationMs, limit: 'the hard limit of a run' }),
  })
  .superRefine((until, ctx) => {
    const conditions = ['status', 'headers', 'json', 'bodyContains', 'maxBodyBytes'] as const;
    if (!conditions.some((key) => until[key] !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a condition to wait for (${conditions.join(', ')}), got none`,
      });
    }
    if (until.every >= until.timeout) {
      ctx.addIssue({
        code: 'custom',
        path: ['every'],
        message: `expected every below timeout (${formatMs(until.timeout)}), got ${formatMs(until.every)}`,
      });
    }
  });

const STEP_NAME = /^[A-Za-z][\w-]{0,62}$/;
const CAPTURE_NAME = /^[A-Za-z_]\w*$/;

export const stepSchema = z.strictObject({
  /** Names the step in results, reports and `sla.steps`. */
  name: patterned(STEP_NAME, 'a step name of letters, digits, "-" or "_", starting with a letter'),
  request: requestSchema,
  /** Values taken from this step's response, for `${name}` in later steps. */
  capture: z
    .record(
      patterned(CAPTURE_NAME, 'a capture name of letters, digits and "_" (used as ${name})'),
      captureSchema,
    )
    .optional(),
  assert: assertionsSchema.optional(),
  until: untilSchema.optional(),
});

/** Steps a flow may have at most: a flow is a scenario, not a crawler. */
export const MAX_STEPS = 20;

export type StepSpec = z.output<typeof stepSchema>;
export type CaptureSpec = z.output<typeof captureSchema>;
export type UntilSpec = z.output<typeof untilSchema>;
